// Ops the torchvision CNN zoo needs beyond the basic activations: MobileNetV3's hard swish / hard sigmoid and
// EfficientNet's stochastic depth (torchvision.ops.stochastic_depth, "row" mode).
#include "common.h"

using namespace medlearn;

ML_API ml_tensor ml_nn_hardswish(ml_tensor x) { ML_TENSOR(at::hardswish(*x)); }
ML_API void ml_nn_hardswish_(ml_tensor x) { ML_VOID(at::hardswish_(*x)); }
ML_API ml_tensor ml_nn_hardsigmoid(ml_tensor x) { ML_TENSOR(at::hardsigmoid(*x)); }
ML_API void ml_nn_hardsigmoid_(ml_tensor x) { ML_VOID(at::hardsigmoid_(*x)); }

// torchvision.ops.stochastic_depth(x, p, "row", training): each sample's residual branch is kept with probability
// 1 - p and scaled by 1 / (1 - p). The mask is drawn exactly as torchvision draws it (an empty [N, 1, ...] tensor of
// x's dtype, bernoulli_(1 - p) on the default generator), so a seeded run gives PyTorch's mask.
ML_API ml_tensor ml_nn_stochastic_depth(ml_tensor x, double p, int32_t training) {
  ML_TENSOR(([&]() -> at::Tensor {
    if (p < 0.0 || p > 1.0) throw std::invalid_argument("drop probability has to be between 0 and 1, but got " + std::to_string(p));
    if (training == 0 || p == 0.0) return *x;
    const double survival = 1.0 - p;
    std::vector<int64_t> size(x->dim(), 1);
    size[0] = x->size(0);
    auto noise = at::empty(size, x->options());
    noise.bernoulli_(survival);
    if (survival > 0.0) noise.div_(survival);
    return *x * noise;
  })());
}
