// Ops of the transformer-era zoo (ConvNeXt, ViT, Swin): stochastic depth and scaled dot-product attention,
// composed of ATen ops (autograd works through them) as torchvision 0.14 computes them.
#include "common.h"

using namespace medlearn;

// torchvision.ops.stochastic_depth: in training with p > 0, input * (bernoulli(1 - p) / (1 - p)) with one draw per
// sample (row_mode != 0, noise [N, 1, ...]) or one for the whole batch; the draw uses the default CPU generator in
// torchvision's order (empty + bernoulli_ + div_), so a seeded run reproduces PyTorch's mask.
ML_API ml_tensor ml_zoo_stochastic_depth(ml_tensor x, double p, int row_mode, int training) {
  ML_GUARD(nullptr, {
    TORCH_CHECK(p >= 0.0 && p <= 1.0, "drop probability has to be between 0 and 1, but got ", p);
    if (!training || p == 0.0) return wrap(*x);
    const double survival = 1.0 - p;
    std::vector<int64_t> size(static_cast<size_t>(x->dim()), 1);
    if (row_mode && x->dim() > 0) size[0] = x->size(0);
    auto noise = at::empty(size, x->options());
    noise.bernoulli_(survival);
    if (survival > 0.0) noise.div_(survival);
    return wrap(*x * noise);
  });
}

// softmax(scale * q @ k^T + bias) @ v over the last two dimensions (leading dimensions broadcast); bias may be null.
// q [.., Lq, d], k [.., Lk, d], v [.., Lk, dv] -> [.., Lq, dv].
ML_API ml_tensor ml_zoo_attention(ml_tensor q, ml_tensor k, ml_tensor v, ml_tensor bias, double scale) {
  ML_GUARD(nullptr, {
    auto scores = at::matmul(*q * scale, k->transpose(-2, -1));
    if (bias) scores = scores + *bias;
    return wrap(at::matmul(at::softmax(scores, -1), *v));
  });
}
