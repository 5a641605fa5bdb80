// Ops of the transformer zoo (ViT, Swin): scaled dot-product attention with an additive bias, composed of ATen ops
// (autograd works through them) as torchvision 0.14 computes it. Stochastic depth is nn_zoo_cnn.cpp's.
#include "common.h"

using namespace medlearn;

// softmax(scale * q @ k^T + bias) @ v over the last two dimensions (leading dimensions broadcast); bias may be null.
// q [.., Lq, d], k [.., Lk, d], v [.., Lk, dv] -> [.., Lq, dv].
ML_API ml_tensor ml_zoo_attention(ml_tensor q, ml_tensor k, ml_tensor v, ml_tensor bias, double scale) {
  ML_GUARD(nullptr, {
    auto scores = at::matmul(*q * scale, k->transpose(-2, -1));
    if (bias) scores = scores + *bias;
    return wrap(at::matmul(at::softmax(scores, -1), *v));
  });
}
