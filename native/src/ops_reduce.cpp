// Reductions: sum/mean/prod over dims, max/min (global and per dim), argmax/argmin, topk, sort, std/var,
// norms, logsumexp, cumulative sums, median.
// Pairs (values, indices) come back through two out-parameters; on error both stay null.
#include "common.h"

#include <numeric>

using namespace medlearn;

namespace {

c10::optional<at::ScalarType> dtype_opt(int32_t dtype) {
  return dtype < 0 ? c10::nullopt : c10::optional<at::ScalarType>(static_cast<at::ScalarType>(dtype));
}

// n < 0 means "all dimensions".
at::OptionalIntArrayRef dims_opt(const int64_t* dims, int64_t n) {
  return n < 0 ? at::OptionalIntArrayRef(c10::nullopt) : at::OptionalIntArrayRef(ints(dims, n));
}

void set_pair(const std::tuple<at::Tensor, at::Tensor>& r, ml_tensor* values_out, ml_tensor* indices_out) {
  auto* v = new at::Tensor(std::get<0>(r));
  try {
    *indices_out = new at::Tensor(std::get<1>(r));
  } catch (...) {
    delete v;
    throw;
  }
  *values_out = v;
}

}  // namespace

#define ML_PAIR(expr) ML_VOID(*values_out = nullptr; *indices_out = nullptr; set_pair(expr, values_out, indices_out))

ML_API ml_tensor ml_sum_dims(ml_tensor t, const int64_t* dims, int64_t n, int32_t keepdim, int32_t dtype) {
  ML_TENSOR(n < 0 ? at::sum(*t, dtype_opt(dtype)) : at::sum(*t, ints(dims, n), keepdim != 0, dtype_opt(dtype)));
}
ML_API ml_tensor ml_mean_dims(ml_tensor t, const int64_t* dims, int64_t n, int32_t keepdim, int32_t dtype) {
  ML_TENSOR(n < 0 ? at::mean(*t, dtype_opt(dtype)) : at::mean(*t, ints(dims, n), keepdim != 0, dtype_opt(dtype)));
}
ML_API ml_tensor ml_prod(ml_tensor t, int32_t dtype) { ML_TENSOR(at::prod(*t, dtype_opt(dtype))); }
ML_API ml_tensor ml_prod_dim(ml_tensor t, int64_t dim, int32_t keepdim, int32_t dtype) {
  ML_TENSOR(at::prod(*t, dim, keepdim != 0, dtype_opt(dtype)));
}
ML_API ml_tensor ml_cumsum(ml_tensor t, int64_t dim, int32_t dtype) { ML_TENSOR(at::cumsum(*t, dim, dtype_opt(dtype))); }
ML_API ml_tensor ml_cumprod(ml_tensor t, int64_t dim, int32_t dtype) { ML_TENSOR(at::cumprod(*t, dim, dtype_opt(dtype))); }

ML_API ml_tensor ml_max(ml_tensor t) { ML_TENSOR(at::max(*t)); }
ML_API ml_tensor ml_min(ml_tensor t) { ML_TENSOR(at::min(*t)); }
ML_API void ml_max_dim(ml_tensor t, int64_t dim, int32_t keepdim, ml_tensor* values_out, ml_tensor* indices_out) {
  ML_PAIR(at::max(*t, dim, keepdim != 0));
}
ML_API void ml_min_dim(ml_tensor t, int64_t dim, int32_t keepdim, ml_tensor* values_out, ml_tensor* indices_out) {
  ML_PAIR(at::min(*t, dim, keepdim != 0));
}
ML_API ml_tensor ml_amax(ml_tensor t, const int64_t* dims, int64_t n, int32_t keepdim) { ML_TENSOR(at::amax(*t, ints(dims, n), keepdim != 0)); }
ML_API ml_tensor ml_amin(ml_tensor t, const int64_t* dims, int64_t n, int32_t keepdim) { ML_TENSOR(at::amin(*t, ints(dims, n), keepdim != 0)); }
// has_dim = 0: index into the flattened tensor.
ML_API ml_tensor ml_argmax(ml_tensor t, int32_t has_dim, int64_t dim, int32_t keepdim) {
  ML_TENSOR(at::argmax(*t, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0));
}
ML_API ml_tensor ml_argmin(ml_tensor t, int32_t has_dim, int64_t dim, int32_t keepdim) {
  ML_TENSOR(at::argmin(*t, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0));
}

ML_API void ml_topk(ml_tensor t, int64_t k, int64_t dim, int32_t largest, int32_t sorted, ml_tensor* values_out,
                    ml_tensor* indices_out) {
  ML_PAIR(at::topk(*t, k, dim, largest != 0, sorted != 0));
}
ML_API void ml_sort(ml_tensor t, int64_t dim, int32_t descending, int32_t stable, ml_tensor* values_out, ml_tensor* indices_out) {
  ML_PAIR(at::sort(*t, c10::optional<bool>(stable != 0), dim, descending != 0));
}
ML_API ml_tensor ml_argsort(ml_tensor t, int64_t dim, int32_t descending, int32_t stable) {
  ML_TENSOR(at::argsort(*t, stable != 0, dim, descending != 0));
}
ML_API ml_tensor ml_median(ml_tensor t) { ML_TENSOR(at::median(*t)); }
ML_API void ml_median_dim(ml_tensor t, int64_t dim, int32_t keepdim, ml_tensor* values_out, ml_tensor* indices_out) {
  ML_PAIR(at::median(*t, dim, keepdim != 0));
}

ML_API ml_tensor ml_std(ml_tensor t, const int64_t* dims, int64_t n, int64_t correction, int32_t keepdim) {
  ML_TENSOR(at::std(*t, dims_opt(dims, n), c10::optional<int64_t>(correction), keepdim != 0));
}
ML_API ml_tensor ml_var(ml_tensor t, const int64_t* dims, int64_t n, int64_t correction, int32_t keepdim) {
  ML_TENSOR(at::var(*t, dims_opt(dims, n), c10::optional<int64_t>(correction), keepdim != 0));
}
// Vector p-norm (torch.linalg.vector_norm): p may be +/-inf or 0.
ML_API ml_tensor ml_norm(ml_tensor t, double p, const int64_t* dims, int64_t n, int32_t keepdim) {
  ML_TENSOR(at::linalg_vector_norm(*t, p, dims_opt(dims, n), keepdim != 0));
}
ML_API ml_tensor ml_logsumexp(ml_tensor t, const int64_t* dims, int64_t n, int32_t keepdim) {
  ML_TENSOR([&] {
    if (n >= 0) return at::logsumexp(*t, ints(dims, n), keepdim != 0);
    std::vector<int64_t> all(static_cast<size_t>(t->dim()));
    std::iota(all.begin(), all.end(), 0);
    return at::logsumexp(*t, all, keepdim != 0);
  }());
}

// Quantiles q (1-D tensor of values in [0, 1]) of all elements, linear interpolation; NaNs ignored when nan_ignore.
ML_API ml_tensor ml_quantile(ml_tensor t, ml_tensor q, int32_t nan_ignore) {
  ML_TENSOR(nan_ignore ? at::nanquantile(t->reshape({-1}), *q) : at::quantile(t->reshape({-1}), *q));
}
