// Loss functions. reduction: 0 none, 1 mean, 2 sum (at::Reduction codes); 3 "batchmean" (kl_div only).
#include "common.h"

#include <ATen/core/Reduction.h>

using namespace medlearn;

namespace {

int64_t reduction_code(int32_t r) {
  TORCH_CHECK(r >= 0 && r <= 2, "invalid reduction ", r, ": expected none, mean or sum");
  return r;
}

// torch.nn.functional broadcasts input and target of the regression losses (with a warning there).
std::pair<at::Tensor, at::Tensor> broadcast(const at::Tensor& a, const at::Tensor& b) {
  auto r = at::broadcast_tensors({a, b});
  return {r[0], r[1]};
}

}  // namespace

// Class-index targets (int64, shape (N) or (N, d1, ...)) or class-probability targets (same shape as input).
ML_API ml_tensor ml_cross_entropy(ml_tensor x, ml_tensor target, ml_tensor weight, int32_t reduction,
                                  int64_t ignore_index, double label_smoothing) {
  ML_TENSOR(at::cross_entropy_loss(*x, *target, opt(weight), reduction_code(reduction), ignore_index, label_smoothing));
}

ML_API ml_tensor ml_nll_loss(ml_tensor x, ml_tensor target, ml_tensor weight, int32_t reduction, int64_t ignore_index) {
  ML_TENSOR(at::nll_loss_nd(*x, *target, opt(weight), reduction_code(reduction), ignore_index));
}

ML_API ml_tensor ml_binary_cross_entropy(ml_tensor x, ml_tensor target, ml_tensor weight, int32_t reduction) {
  ML_TENSOR([&] {
    TORCH_CHECK(target->sizes() == x->sizes(), "Using a target size (", target->sizes(),
                ") that is different to the input size (", x->sizes(), ") is deprecated. Please ensure they have the same size.");
    c10::optional<at::Tensor> w;
    if (weight) w = weight->expand(at::infer_size(target->sizes(), weight->sizes()));
    return at::binary_cross_entropy(*x, *target, w, reduction_code(reduction));
  }());
}

ML_API ml_tensor ml_binary_cross_entropy_with_logits(ml_tensor x, ml_tensor target, ml_tensor weight,
                                                     ml_tensor pos_weight, int32_t reduction) {
  ML_TENSOR([&] {
    TORCH_CHECK(target->sizes() == x->sizes(), "Target size (", target->sizes(), ") must be the same as input size (",
                x->sizes(), ")");
    return at::binary_cross_entropy_with_logits(*x, *target, opt(weight), opt(pos_weight), reduction_code(reduction));
  }());
}

ML_API ml_tensor ml_mse_loss(ml_tensor x, ml_tensor target, int32_t reduction) {
  ML_TENSOR([&] {
    auto [a, b] = broadcast(*x, *target);
    return at::mse_loss(a, b, reduction_code(reduction));
  }());
}

ML_API ml_tensor ml_l1_loss(ml_tensor x, ml_tensor target, int32_t reduction) {
  ML_TENSOR([&] {
    auto [a, b] = broadcast(*x, *target);
    return at::l1_loss(a, b, reduction_code(reduction));
  }());
}

// beta == 0 is the L1 loss (as in torch.nn.functional).
ML_API ml_tensor ml_smooth_l1_loss(ml_tensor x, ml_tensor target, int32_t reduction, double beta) {
  ML_TENSOR([&] {
    TORCH_CHECK(beta >= 0, "smooth_l1_loss does not support negative values for beta, got ", beta);
    auto [a, b] = broadcast(*x, *target);
    return beta == 0.0 ? at::l1_loss(a, b, reduction_code(reduction))
                       : at::smooth_l1_loss(a, b, reduction_code(reduction), beta);
  }());
}

ML_API ml_tensor ml_huber_loss(ml_tensor x, ml_tensor target, int32_t reduction, double delta) {
  ML_TENSOR([&] {
    auto [a, b] = broadcast(*x, *target);
    return at::huber_loss(a, b, reduction_code(reduction), delta);
  }());
}

// reduction 3 ("batchmean"): sum divided by the batch size input.size(0).
ML_API ml_tensor ml_kl_div(ml_tensor x, ml_tensor target, int32_t reduction, int32_t log_target) {
  ML_TENSOR([&] {
    bool batchmean = reduction == 3;
    auto r = at::kl_div(*x, *target, batchmean ? at::Reduction::Sum : reduction_code(reduction), log_target != 0);
    if (batchmean && x->dim() != 0) r = r / x->size(0);
    return r;
  }());
}
