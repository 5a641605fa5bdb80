// Normalisation layers: batch, instance, group and layer norm.
#include "common.h"

using namespace medlearn;

namespace {

// torch.nn.functional._verify_batch_size: batch statistics need more than one value per channel.
void verify_batch_size(const at::Tensor& x) {
  TORCH_CHECK(x.dim() >= 2, "batch_norm expects an input with at least 2 dimensions (N, C, ...), got ", x.dim());
  int64_t size_prods = x.size(0);
  for (int64_t i = 2; i < x.dim(); ++i) size_prods *= x.size(i);
  TORCH_CHECK(size_prods != 1, "Expected more than 1 value per channel when training, got input size ", x.sizes());
}

// torch.nn.functional._verify_spatial_size: instance statistics need more than one spatial element.
void verify_spatial_size(const at::Tensor& x) {
  TORCH_CHECK(x.dim() >= 3, "instance_norm expects an input with at least 3 dimensions (N, C, ...), got ", x.dim());
  int64_t size_prods = 1;
  for (int64_t i = 2; i < x.dim(); ++i) size_prods *= x.size(i);
  TORCH_CHECK(size_prods != 1, "Expected more than 1 spatial element when training, got input size ", x.sizes());
}

}  // namespace

// Running statistics (when given and training) are updated in place:
// running = (1 - momentum) * running + momentum * batch_stat (unbiased variance).
ML_API ml_tensor ml_batch_norm(ml_tensor x, ml_tensor running_mean, ml_tensor running_var, ml_tensor weight,
                               ml_tensor bias, int32_t training, double momentum, double eps) {
  ML_TENSOR([&] {
    if (training) verify_batch_size(*x);
    return at::batch_norm(*x, opt(weight), opt(bias), opt(running_mean), opt(running_var), training != 0, momentum,
                          eps, /*cudnn_enabled=*/true);
  }());
}

ML_API ml_tensor ml_instance_norm(ml_tensor x, ml_tensor running_mean, ml_tensor running_var, ml_tensor weight,
                                  ml_tensor bias, int32_t use_input_stats, double momentum, double eps) {
  ML_TENSOR([&] {
    if (use_input_stats) verify_spatial_size(*x);
    return at::instance_norm(*x, opt(weight), opt(bias), opt(running_mean), opt(running_var), use_input_stats != 0,
                             momentum, eps, /*cudnn_enabled=*/true);
  }());
}

ML_API ml_tensor ml_group_norm(ml_tensor x, int64_t num_groups, ml_tensor weight, ml_tensor bias, double eps) {
  ML_TENSOR([&] {
    TORCH_CHECK(x->dim() >= 2, "Expected at least 2 dimensions for input tensor but received ", x->dim());
    return at::group_norm(*x, num_groups, opt(weight), opt(bias), eps, /*cudnn_enabled=*/true);
  }());
}

ML_API ml_tensor ml_layer_norm(ml_tensor x, const int64_t* normalized_shape, int64_t n, ml_tensor weight,
                               ml_tensor bias, double eps) {
  ML_TENSOR([&] {
    // libtorch 1.13's CPU layer_norm needs input, weight and bias of one dtype, but under bf16 autocast a conv/linear
    // hands it a bf16 input while the affine parameters stay fp32 ("expected scalar type BFloat16 but found Float",
    // which also stops PyTorch 1.13's ConvNeXt/Swin/ViT). Mixed dtypes are computed in the wider one, as PyTorch 2's
    // autocast does (layer_norm on its fp32 list).
    auto w = opt(weight);
    auto b = opt(bias);
    auto type = x->scalar_type();
    if (w && w->scalar_type() != type) type = at::promote_types(type, w->scalar_type());
    if (b && b->scalar_type() != type) type = at::promote_types(type, b->scalar_type());
    if (type == x->scalar_type() && (!w || w->scalar_type() == type) && (!b || b->scalar_type() == type))
      return at::layer_norm(*x, ints(normalized_shape, n), w, b, eps, /*cudnn_enable=*/true);
    auto cast = [&](const c10::optional<at::Tensor>& t) -> c10::optional<at::Tensor> {
      return t ? c10::optional<at::Tensor>(t->to(type)) : c10::nullopt;
    };
    return at::layer_norm(x->to(type), ints(normalized_shape, n), cast(w), cast(b), eps, /*cudnn_enable=*/true);
  }());
}

// Same for an unbatched (C, *) input: normalised as a batch of one (torch.nn.InstanceNorm's no-batch path).
ML_API ml_tensor ml_instance_norm_unbatched(ml_tensor x, ml_tensor running_mean, ml_tensor running_var, ml_tensor weight,
                                            ml_tensor bias, int32_t use_input_stats, double momentum, double eps) {
  ML_TENSOR([&] {
    auto b = x->unsqueeze(0);
    if (use_input_stats) verify_spatial_size(b);
    return at::instance_norm(b, opt(weight), opt(bias), opt(running_mean), opt(running_var), use_input_stats != 0,
                             momentum, eps, /*cudnn_enabled=*/true).squeeze(0);
  }());
}
