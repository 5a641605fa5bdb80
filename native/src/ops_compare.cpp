// Comparisons returning bool tensors, logical ops, all/any, allclose/equal.
#include "common.h"

using namespace medlearn;

#define ML_COMPARE(name)                                                                      \
  ML_API ml_tensor ml_##name(ml_tensor a, ml_tensor b) { ML_TENSOR(at::name(*a, *b)); }       \
  ML_API ml_tensor ml_##name##_scalar(ml_tensor a, double s) { ML_TENSOR(at::name(*a, s)); }

ML_COMPARE(eq)
ML_COMPARE(ne)
ML_COMPARE(lt)
ML_COMPARE(le)
ML_COMPARE(gt)
ML_COMPARE(ge)

ML_API ml_tensor ml_logical_and(ml_tensor a, ml_tensor b) { ML_TENSOR(at::logical_and(*a, *b)); }
ML_API ml_tensor ml_logical_or(ml_tensor a, ml_tensor b) { ML_TENSOR(at::logical_or(*a, *b)); }
ML_API ml_tensor ml_logical_xor(ml_tensor a, ml_tensor b) { ML_TENSOR(at::logical_xor(*a, *b)); }
ML_API ml_tensor ml_logical_not(ml_tensor a) { ML_TENSOR(at::logical_not(*a)); }

ML_API ml_tensor ml_all(ml_tensor t) { ML_TENSOR(at::all(*t)); }
ML_API ml_tensor ml_any(ml_tensor t) { ML_TENSOR(at::any(*t)); }
ML_API ml_tensor ml_all_dim(ml_tensor t, int64_t dim, int32_t keepdim) { ML_TENSOR(at::all(*t, dim, keepdim != 0)); }
ML_API ml_tensor ml_any_dim(ml_tensor t, int64_t dim, int32_t keepdim) { ML_TENSOR(at::any(*t, dim, keepdim != 0)); }

ML_API ml_tensor ml_isclose(ml_tensor a, ml_tensor b, double rtol, double atol, int32_t equal_nan) {
  ML_TENSOR(at::isclose(*a, *b, rtol, atol, equal_nan != 0));
}
// 1 / 0, or -1 on error.
ML_API int32_t ml_allclose(ml_tensor a, ml_tensor b, double rtol, double atol, int32_t equal_nan) {
  ML_GUARD(-1, return at::allclose(*a, *b, rtol, atol, equal_nan != 0) ? 1 : 0;);
}
ML_API int32_t ml_equal(ml_tensor a, ml_tensor b) { ML_GUARD(-1, return at::equal(*a, *b) ? 1 : 0;); }
