// Element-wise math: unary functions (with in-place forms), clamp, softmax/log_softmax, addcmul/addcdiv,
// lerp, maximum/minimum, NaN/Inf tests and nan_to_num.
#include "common.h"

using namespace medlearn;

namespace {

c10::optional<at::ScalarType> dtype_opt(int32_t dtype) {
  return dtype < 0 ? c10::nullopt : c10::optional<at::ScalarType>(static_cast<at::ScalarType>(dtype));
}

c10::optional<at::Scalar> scalar_opt(int32_t has, double value) {
  return has ? c10::optional<at::Scalar>(at::Scalar(value)) : c10::nullopt;
}

}  // namespace

// f(t) and f_(t) for a unary ATen function.
#define ML_UNARY(name)                                                        \
  ML_API ml_tensor ml_##name(ml_tensor t) { ML_TENSOR(at::name(*t)); }        \
  ML_API void ml_##name##_(ml_tensor t) { ML_VOID(t->name##_()); }

ML_UNARY(exp)
ML_UNARY(exp2)
ML_UNARY(log)
ML_UNARY(log2)
ML_UNARY(log10)
ML_UNARY(log1p)
ML_UNARY(expm1)
ML_UNARY(sqrt)
ML_UNARY(rsqrt)
ML_UNARY(square)
ML_UNARY(abs)
ML_UNARY(sign)
ML_UNARY(floor)
ML_UNARY(ceil)
ML_UNARY(round)
ML_UNARY(trunc)
ML_UNARY(frac)
ML_UNARY(sin)
ML_UNARY(cos)
ML_UNARY(tan)
ML_UNARY(asin)
ML_UNARY(acos)
ML_UNARY(atan)
ML_UNARY(sinh)
ML_UNARY(cosh)
ML_UNARY(sigmoid)
ML_UNARY(tanh)
ML_UNARY(reciprocal)
ML_UNARY(erf)
ML_API void ml_neg_(ml_tensor t) { ML_VOID(t->neg_()); }

ML_API ml_tensor ml_clamp(ml_tensor t, int32_t has_min, double min, int32_t has_max, double max) {
  ML_TENSOR(at::clamp(*t, scalar_opt(has_min, min), scalar_opt(has_max, max)));
}
ML_API void ml_clamp_(ml_tensor t, int32_t has_min, double min, int32_t has_max, double max) {
  ML_VOID(at::clamp_(*t, scalar_opt(has_min, min), scalar_opt(has_max, max)));
}
// Element-wise bounds (null = unbounded on that side).
ML_API ml_tensor ml_clamp_tensor(ml_tensor t, ml_tensor min, ml_tensor max) { ML_TENSOR(at::clamp(*t, opt(min), opt(max))); }

ML_API ml_tensor ml_softmax(ml_tensor t, int64_t dim, int32_t dtype) { ML_TENSOR(at::softmax(*t, dim, dtype_opt(dtype))); }
ML_API ml_tensor ml_log_softmax(ml_tensor t, int64_t dim, int32_t dtype) { ML_TENSOR(at::log_softmax(*t, dim, dtype_opt(dtype))); }

ML_API ml_tensor ml_addcmul(ml_tensor t, ml_tensor t1, ml_tensor t2, double value) { ML_TENSOR(at::addcmul(*t, *t1, *t2, value)); }
ML_API void ml_addcmul_(ml_tensor t, ml_tensor t1, ml_tensor t2, double value) { ML_VOID(t->addcmul_(*t1, *t2, value)); }
ML_API ml_tensor ml_addcdiv(ml_tensor t, ml_tensor t1, ml_tensor t2, double value) { ML_TENSOR(at::addcdiv(*t, *t1, *t2, value)); }
ML_API void ml_addcdiv_(ml_tensor t, ml_tensor t1, ml_tensor t2, double value) { ML_VOID(t->addcdiv_(*t1, *t2, value)); }

ML_API ml_tensor ml_lerp(ml_tensor t, ml_tensor end, double weight) { ML_TENSOR(at::lerp(*t, *end, weight)); }
ML_API ml_tensor ml_lerp_tensor(ml_tensor t, ml_tensor end, ml_tensor weight) { ML_TENSOR(at::lerp(*t, *end, *weight)); }
ML_API void ml_lerp_(ml_tensor t, ml_tensor end, double weight) { ML_VOID(t->lerp_(*end, weight)); }

ML_API ml_tensor ml_maximum(ml_tensor a, ml_tensor b) { ML_TENSOR(at::maximum(*a, *b)); }
ML_API ml_tensor ml_minimum(ml_tensor a, ml_tensor b) { ML_TENSOR(at::minimum(*a, *b)); }

ML_API ml_tensor ml_isnan(ml_tensor t) { ML_TENSOR(at::isnan(*t)); }
ML_API ml_tensor ml_isinf(ml_tensor t) { ML_TENSOR(at::isinf(*t)); }
ML_API ml_tensor ml_isfinite(ml_tensor t) { ML_TENSOR(at::isfinite(*t)); }

// has_* = 0 keeps PyTorch's default (0 for NaN, the dtype's largest/lowest finite value for +/-inf).
ML_API ml_tensor ml_nan_to_num(ml_tensor t, double nan, int32_t has_posinf, double posinf, int32_t has_neginf, double neginf) {
  ML_TENSOR(at::nan_to_num(*t, nan, has_posinf ? c10::optional<double>(posinf) : c10::nullopt,
                           has_neginf ? c10::optional<double>(neginf) : c10::nullopt));
}
ML_API void ml_nan_to_num_(ml_tensor t, double nan, int32_t has_posinf, double posinf, int32_t has_neginf, double neginf) {
  ML_VOID(at::nan_to_num_(*t, nan, has_posinf ? c10::optional<double>(posinf) : c10::nullopt,
                          has_neginf ? c10::optional<double>(neginf) : c10::nullopt));
}
