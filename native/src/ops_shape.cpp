// Shape and view ops: view/reshape/permute/squeeze/expand/..., slicing, splitting, joining and where.
#include "common.h"

using namespace medlearn;

// --- views and reshapes ------------------------------------------------------------------------------

ML_API ml_tensor ml_view(ml_tensor t, const int64_t* shape, int64_t n) { ML_TENSOR(t->view(ints(shape, n))); }
ML_API ml_tensor ml_reshape(ml_tensor t, const int64_t* shape, int64_t n) { ML_TENSOR(at::reshape(*t, ints(shape, n))); }
ML_API ml_tensor ml_permute(ml_tensor t, const int64_t* dims, int64_t n) { ML_TENSOR(at::permute(*t, ints(dims, n))); }
ML_API ml_tensor ml_transpose(ml_tensor t, int64_t dim0, int64_t dim1) { ML_TENSOR(at::transpose(*t, dim0, dim1)); }
ML_API ml_tensor ml_movedim(ml_tensor t, int64_t source, int64_t destination) { ML_TENSOR(at::movedim(*t, source, destination)); }
ML_API ml_tensor ml_squeeze(ml_tensor t) { ML_TENSOR(at::squeeze(*t)); }
ML_API ml_tensor ml_squeeze_dim(ml_tensor t, int64_t dim) { ML_TENSOR(at::squeeze(*t, dim)); }
ML_API ml_tensor ml_unsqueeze(ml_tensor t, int64_t dim) { ML_TENSOR(at::unsqueeze(*t, dim)); }
ML_API ml_tensor ml_flatten(ml_tensor t, int64_t start_dim, int64_t end_dim) { ML_TENSOR(at::flatten(*t, start_dim, end_dim)); }
ML_API ml_tensor ml_unflatten(ml_tensor t, int64_t dim, const int64_t* sizes, int64_t n) {
  ML_TENSOR(at::unflatten(*t, dim, ints(sizes, n)));
}
ML_API ml_tensor ml_expand(ml_tensor t, const int64_t* sizes, int64_t n) { ML_TENSOR(t->expand(ints(sizes, n))); }
// A view with explicit sizes, strides and offset on t's storage (PyTorch file tensors that overlap themselves).
ML_API ml_tensor ml_as_strided(ml_tensor t, const int64_t* sizes, const int64_t* strides, int64_t n, int64_t storage_offset) {
  ML_TENSOR(t->as_strided(ints(sizes, n), ints(strides, n), storage_offset));
}
ML_API ml_tensor ml_expand_as(ml_tensor t, ml_tensor other) { ML_TENSOR(t->expand_as(*other)); }
ML_API ml_tensor ml_repeat(ml_tensor t, const int64_t* repeats, int64_t n) { ML_TENSOR(t->repeat(ints(repeats, n))); }
ML_API ml_tensor ml_flip(ml_tensor t, const int64_t* dims, int64_t n) { ML_TENSOR(at::flip(*t, ints(dims, n))); }
ML_API ml_tensor ml_roll(ml_tensor t, const int64_t* shifts, int64_t n_shifts, const int64_t* dims, int64_t n_dims) {
  ML_TENSOR(at::roll(*t, ints(shifts, n_shifts), ints(dims, n_dims)));
}

// --- slicing -----------------------------------------------------------------------------------------

ML_API ml_tensor ml_narrow(ml_tensor t, int64_t dim, int64_t start, int64_t length) { ML_TENSOR(at::narrow(*t, dim, start, length)); }
ML_API ml_tensor ml_select(ml_tensor t, int64_t dim, int64_t index) { ML_TENSOR(at::select(*t, dim, index)); }
// Python's t[..., start:end:step, ...] on dim; start/end are clamped to the size like Python slices.
ML_API ml_tensor ml_slice(ml_tensor t, int64_t dim, int64_t start, int64_t end, int64_t step) {
  ML_TENSOR(at::slice(*t, dim, start, end, step));
}

// --- splitting (lists) ---------------------------------------------------------------------------------

ML_API ml_tensor* ml_split(ml_tensor t, int64_t split_size, int64_t dim, int64_t* count) {
  ML_GUARD(nullptr, return wrap_list(at::split(*t, split_size, dim), count););
}
ML_API ml_tensor* ml_split_sizes(ml_tensor t, const int64_t* sizes, int64_t n, int64_t dim, int64_t* count) {
  ML_GUARD(nullptr, return wrap_list(at::split_with_sizes(*t, ints(sizes, n), dim), count););
}
ML_API ml_tensor* ml_chunk(ml_tensor t, int64_t chunks, int64_t dim, int64_t* count) {
  ML_GUARD(nullptr, return wrap_list(at::chunk(*t, chunks, dim), count););
}
ML_API ml_tensor* ml_unbind(ml_tensor t, int64_t dim, int64_t* count) {
  ML_GUARD(nullptr, return wrap_list(at::unbind(*t, dim), count););
}

// --- joining and selection ----------------------------------------------------------------------------

ML_API ml_tensor ml_cat(const ml_tensor* list, int64_t n, int64_t dim) { ML_TENSOR(at::cat(tensors(list, n), dim)); }
ML_API ml_tensor ml_stack(const ml_tensor* list, int64_t n, int64_t dim) { ML_TENSOR(at::stack(tensors(list, n), dim)); }
ML_API ml_tensor ml_where(ml_tensor cond, ml_tensor a, ml_tensor b) { ML_TENSOR(at::where(*cond, *a, *b)); }
ML_API ml_tensor ml_where_scalar_other(ml_tensor cond, ml_tensor a, double b) { ML_TENSOR(at::where(*cond, *a, b)); }
ML_API ml_tensor ml_where_scalar_self(ml_tensor cond, double a, ml_tensor b) { ML_TENSOR(at::where(*cond, a, *b)); }
