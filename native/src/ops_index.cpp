// Indexing: index_select, gather/scatter, masks, advanced indexing (t[idx], t[mask]), nonzero, one_hot.
#include "common.h"

using namespace medlearn;

namespace {

// Advanced-index list: a null handle is a full slice (Python's `:`) at that position.
c10::List<c10::optional<at::Tensor>> index_list(const ml_tensor* handles, int64_t n) {
  c10::List<c10::optional<at::Tensor>> list;
  list.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) list.push_back(opt(handles[i]));
  return list;
}

}  // namespace

ML_API ml_tensor ml_index_select(ml_tensor t, int64_t dim, ml_tensor index) { ML_TENSOR(at::index_select(*t, dim, *index)); }
ML_API ml_tensor ml_gather(ml_tensor t, int64_t dim, ml_tensor index) { ML_TENSOR(at::gather(*t, dim, *index)); }

ML_API ml_tensor ml_scatter(ml_tensor t, int64_t dim, ml_tensor index, ml_tensor src) { ML_TENSOR(at::scatter(*t, dim, *index, *src)); }
ML_API ml_tensor ml_scatter_scalar(ml_tensor t, int64_t dim, ml_tensor index, double value) {
  ML_TENSOR(at::scatter(*t, dim, *index, value));
}
ML_API void ml_scatter_(ml_tensor t, int64_t dim, ml_tensor index, ml_tensor src) { ML_VOID(t->scatter_(dim, *index, *src)); }
ML_API void ml_scatter_scalar_(ml_tensor t, int64_t dim, ml_tensor index, double value) { ML_VOID(t->scatter_(dim, *index, value)); }
ML_API ml_tensor ml_scatter_add(ml_tensor t, int64_t dim, ml_tensor index, ml_tensor src) {
  ML_TENSOR(at::scatter_add(*t, dim, *index, *src));
}
ML_API void ml_scatter_add_(ml_tensor t, int64_t dim, ml_tensor index, ml_tensor src) { ML_VOID(t->scatter_add_(dim, *index, *src)); }

ML_API ml_tensor ml_masked_fill(ml_tensor t, ml_tensor mask, double value) { ML_TENSOR(at::masked_fill(*t, *mask, value)); }
ML_API void ml_masked_fill_(ml_tensor t, ml_tensor mask, double value) { ML_VOID(t->masked_fill_(*mask, value)); }
ML_API ml_tensor ml_masked_select(ml_tensor t, ml_tensor mask) { ML_TENSOR(at::masked_select(*t, *mask)); }

// t[i0, i1, ...] with tensor indices (long, or bool masks); null entries stand for `:`.
ML_API ml_tensor ml_index(ml_tensor t, const ml_tensor* indices, int64_t n) { ML_TENSOR(at::index(*t, index_list(indices, n))); }
// t[i0, i1, ...] = values (or += with accumulate).
ML_API void ml_index_put_(ml_tensor t, const ml_tensor* indices, int64_t n, ml_tensor values, int32_t accumulate) {
  ML_VOID(t->index_put_(index_list(indices, n), *values, accumulate != 0));
}
ML_API void ml_index_put_scalar_(ml_tensor t, const ml_tensor* indices, int64_t n, double value) {
  ML_VOID(t->index_put_(index_list(indices, n), at::scalar_tensor(value, t->options().requires_grad(false))));
}

ML_API ml_tensor ml_nonzero(ml_tensor t) { ML_TENSOR(at::nonzero(*t)); }
ML_API ml_tensor ml_one_hot(ml_tensor t, int64_t num_classes) { ML_TENSOR(at::one_hot(*t, num_classes)); }
