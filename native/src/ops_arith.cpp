// Element-wise arithmetic with broadcasting (out-of-place and in-place) and matrix products.
#include "common.h"

using namespace medlearn;

// a op b (tensor, tensor) and a op s (tensor, scalar), plus in-place forms.
#define ML_BINARY(name, expr_tt, expr_ts)                                                        \
  ML_API ml_tensor ml_##name(ml_tensor a, ml_tensor b) { ML_TENSOR(expr_tt); }                   \
  ML_API ml_tensor ml_##name##_scalar(ml_tensor a, double s) { ML_TENSOR(expr_ts); }

// libtorch refuses a floating-point alpha when both operands are integral ("alpha must not be a floating point
// number"), even 1.0: pass an integral alpha as an integer Scalar.
static at::Scalar alpha_scalar(const at::Tensor& a, const at::Tensor& b, double alpha) {
  const bool integral = at::isIntegralType(a.scalar_type(), true) && at::isIntegralType(b.scalar_type(), true);
  return integral && alpha == static_cast<double>(static_cast<int64_t>(alpha)) ? at::Scalar(static_cast<int64_t>(alpha)) : at::Scalar(alpha);
}

ML_API ml_tensor ml_add(ml_tensor a, ml_tensor b, double alpha) { ML_TENSOR(at::add(*a, *b, alpha_scalar(*a, *b, alpha))); }
ML_API ml_tensor ml_add_scalar(ml_tensor a, double s) { ML_TENSOR(at::add(*a, s)); }
ML_API void ml_add_(ml_tensor a, ml_tensor b, double alpha) { ML_VOID(a->add_(*b, alpha_scalar(*a, *b, alpha))); }
ML_API void ml_add_scalar_(ml_tensor a, double s) { ML_VOID(a->add_(s)); }

ML_API ml_tensor ml_sub(ml_tensor a, ml_tensor b, double alpha) { ML_TENSOR(at::sub(*a, *b, alpha_scalar(*a, *b, alpha))); }
ML_API ml_tensor ml_sub_scalar(ml_tensor a, double s) { ML_TENSOR(at::sub(*a, s)); }
ML_API ml_tensor ml_rsub_scalar(ml_tensor a, double s) { ML_TENSOR(at::rsub(*a, s)); }
ML_API void ml_sub_(ml_tensor a, ml_tensor b, double alpha) { ML_VOID(a->sub_(*b, alpha_scalar(*a, *b, alpha))); }
ML_API void ml_sub_scalar_(ml_tensor a, double s) { ML_VOID(a->sub_(s)); }

ML_BINARY(mul, at::mul(*a, *b), at::mul(*a, s))
ML_API void ml_mul_(ml_tensor a, ml_tensor b) { ML_VOID(a->mul_(*b)); }
ML_API void ml_mul_scalar_(ml_tensor a, double s) { ML_VOID(a->mul_(s)); }

ML_BINARY(div, at::div(*a, *b), at::div(*a, s))
ML_API void ml_div_(ml_tensor a, ml_tensor b) { ML_VOID(a->div_(*b)); }
ML_API void ml_div_scalar_(ml_tensor a, double s) { ML_VOID(a->div_(s)); }

ML_API ml_tensor ml_neg(ml_tensor a) { ML_TENSOR(at::neg(*a)); }

ML_API ml_tensor ml_matmul(ml_tensor a, ml_tensor b) { ML_TENSOR(at::matmul(*a, *b)); }

ML_API ml_tensor ml_sum(ml_tensor a) { ML_TENSOR(at::sum(*a)); }
ML_API ml_tensor ml_mean(ml_tensor a) { ML_TENSOR(at::mean(*a)); }

// --- powers, remainders, reversed scalar forms ---------------------------------------------------------

ML_BINARY(pow, at::pow(*a, *b), at::pow(*a, s))
ML_API ml_tensor ml_rpow_scalar(ml_tensor a, double s) { ML_TENSOR(at::pow(s, *a)); }
ML_API void ml_pow_(ml_tensor a, ml_tensor b) { ML_VOID(a->pow_(*b)); }
ML_API void ml_pow_scalar_(ml_tensor a, double s) { ML_VOID(a->pow_(s)); }

ML_BINARY(remainder, at::remainder(*a, *b), at::remainder(*a, s))
ML_BINARY(fmod, at::fmod(*a, *b), at::fmod(*a, s))
ML_BINARY(floor_divide, at::floor_divide(*a, *b), at::floor_divide(*a, s))

// s / a as Python's Tensor.__rtruediv__ computes it: a.reciprocal() * s.
ML_API ml_tensor ml_rdiv_scalar(ml_tensor a, double s) { ML_TENSOR(at::mul(at::reciprocal(*a), s)); }

// --- matrix products -----------------------------------------------------------------------------------

ML_API ml_tensor ml_mm(ml_tensor a, ml_tensor b) { ML_TENSOR(at::mm(*a, *b)); }
ML_API ml_tensor ml_bmm(ml_tensor a, ml_tensor b) { ML_TENSOR(at::bmm(*a, *b)); }
ML_API ml_tensor ml_outer(ml_tensor a, ml_tensor b) { ML_TENSOR(at::outer(*a, *b)); }
ML_API ml_tensor ml_dot(ml_tensor a, ml_tensor b) { ML_TENSOR(at::dot(*a, *b)); }
ML_API ml_tensor ml_einsum(const char* equation, const ml_tensor* list, int64_t n) {
  ML_TENSOR(at::einsum(equation, tensors(list, n)));
}
