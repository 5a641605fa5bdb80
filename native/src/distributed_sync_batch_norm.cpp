// SyncBatchNorm (torch.nn.SyncBatchNorm's arithmetic; libtorch's C++ API has no such module): batch normalisation in
// training mode with the statistics of the global batch, i.e. of all ranks' local batches concatenated.
//
// Forward: every rank all-gathers (count, mean, M2) of its local batch per channel (counts may differ) and combines
// them with Chan's parallel formula (as batch_norm_gather_stats_with_counts does), in float64. The running statistics
// are updated with the global mean and the global unbiased variance.
// Backward: sum_dy and sum_dy_xmu are all-reduced so that the input gradient is the one of single-process batch
// norm on the concatenated batch; grad_weight / grad_bias stay local (the data-parallel gradient all-reduce combines
// them), as in PyTorch. Each rank weights its sums by the group's grad_weight (its share n_r/N of the global batch,
// set by the trainer before backward) and divides the input gradient by it again, so the result is right also when
// the ranks' local losses are means over unequal local batches.
#include "distributed.h"

#include <torch/csrc/autograd/custom_function.h>

namespace {
using medlearn::ProcessGroupHandle;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

std::vector<int64_t> reduce_dims(const at::Tensor& x) {
  std::vector<int64_t> dims{0};
  for (int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
  return dims;
}

// Shape (1, C, 1, ...) to broadcast a per-channel vector against x.
std::vector<int64_t> channel_shape(const at::Tensor& x) {
  std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
  shape[1] = x.size(1);
  return shape;
}

// Reduced-precision inputs (bf16/fp16 under autocast) are normalised in float32, as libtorch's CPU batch norm does.
at::ScalarType compute_type(const at::Tensor& x) {
  return x.scalar_type() == at::kBFloat16 || x.scalar_type() == at::kHalf ? at::kFloat : x.scalar_type();
}

struct SyncBatchNormFunction : public torch::autograd::Function<SyncBatchNormFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                            at::Tensor running_mean, at::Tensor running_var, double momentum, double eps, int64_t group) {
    auto* h = reinterpret_cast<ProcessGroupHandle*>(group);
    TORCH_CHECK(x.dim() >= 2, "sync batch norm expects an input with at least 2 dimensions (N, C, ...), got ", x.dim());
    const auto C = x.size(1);
    const auto dims = reduce_dims(x);
    const auto ct = compute_type(x);
    auto xc = x.to(ct);
    const int64_t count = C > 0 ? x.numel() / C : 0;

    // Local (count, mean, M2) per channel, then everyone's, combined in float64.
    auto local = at::zeros({2 * C + 1}, x.options().dtype(at::kDouble));
    if (count > 0) {
      auto vm = at::var_mean(xc, dims, /*unbiased=*/false);
      local.narrow(0, 0, 1).fill_(static_cast<double>(count));
      local.narrow(0, 1, C).copy_(std::get<1>(vm));
      local.narrow(0, 1 + C, C).copy_(std::get<0>(vm).to(at::kDouble) * static_cast<double>(count));
    }
    std::vector<std::vector<at::Tensor>> gathered(1);
    for (int r = 0; r < h->world; ++r) gathered[0].push_back(at::empty_like(local));
    std::vector<at::Tensor> ins{local};
    c10d::AllgatherOptions o;
    o.timeout = h->timeout;
    medlearn::wait_work(h->pg->allgather(gathered, ins, o), *h, "sync batch norm statistics all-gather");
    auto all = at::stack(gathered[0]);                 // (world, 2C+1)
    auto n = all.narrow(1, 0, 1);                      // (world, 1)
    auto mu = all.narrow(1, 1, C);
    auto m2 = all.narrow(1, 1 + C, C);
    const double total = n.sum().item<double>();
    TORCH_CHECK(total > 1, "Expected more than 1 value per channel when training, got input size ", x.sizes(),
                " on rank ", h->rank, " (", total, " values per channel over all ranks)");
    auto mean = (n * mu).sum(0) / total;
    auto var = (m2 + n * (mu - mean).pow(2)).sum(0) / total;  // biased: used to normalise
    auto invstd = (var + eps).rsqrt();

    if (running_mean.defined() || running_var.defined()) {
      at::NoGradGuard no_grad;
      if (running_mean.defined())
        running_mean.mul_(1 - momentum).add_((mean * momentum).to(running_mean.scalar_type()));
      if (running_var.defined())
        running_var.mul_(1 - momentum).add_((var * (total / (total - 1)) * momentum).to(running_var.scalar_type()));
    }

    const auto shape = channel_shape(x);
    auto mean_c = mean.to(ct);
    auto invstd_c = invstd.to(ct);
    auto scale = weight.defined() ? invstd_c * weight.to(ct) : invstd_c;
    auto y = (xc - mean_c.view(shape)) * scale.view(shape);
    if (bias.defined()) y = y + bias.to(ct).view(shape);

    ctx->save_for_backward({x, weight});
    ctx->saved_data["mean"] = mean_c;
    ctx->saved_data["invstd"] = invstd_c;
    ctx->saved_data["total"] = total;
    ctx->saved_data["group"] = group;
    ctx->saved_data["has_bias"] = bias.defined();
    return y.to(x.scalar_type());
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    auto saved = ctx->get_saved_variables();
    auto x = saved[0];
    auto weight = saved[1];
    auto mean = ctx->saved_data["mean"].toTensor();
    auto invstd = ctx->saved_data["invstd"].toTensor();
    const double total = ctx->saved_data["total"].toDouble();
    auto* h = reinterpret_cast<ProcessGroupHandle*>(ctx->saved_data["group"].toInt());
    const bool has_bias = ctx->saved_data["has_bias"].toBool();
    const auto C = x.size(1);
    const auto dims = reduce_dims(x);
    const auto shape = channel_shape(x);
    const auto ct = compute_type(x);

    auto dy = grad_outputs[0].to(ct);
    auto xmu = x.to(ct) - mean.view(shape);
    auto sum_dy = dy.sum(dims, false, at::kDouble);
    auto sum_dy_xmu = (dy * xmu).sum(dims, false, at::kDouble);

    const double w = h->grad_weight > 0 ? h->grad_weight : 1.0;
    std::vector<at::Tensor> packed{at::cat({sum_dy, sum_dy_xmu}) * w};
    c10d::AllreduceOptions o;
    o.reduceOp = c10d::ReduceOp::SUM;
    o.timeout = h->timeout;
    medlearn::wait_work(h->pg->allreduce(packed, o), *h, "sync batch norm gradient all-reduce");
    // Global means of dy and dy·(x−μ) in this rank's gradient units (divided by its weight again).
    auto mean_dy = (packed[0].narrow(0, 0, C) / (total * w)).to(ct);
    auto mean_dy_xmu = (packed[0].narrow(0, C, C) / (total * w)).to(ct);

    auto scale = weight.defined() ? invstd * weight.to(ct) : invstd;
    auto grad_input = (dy - mean_dy.view(shape) - xmu * (invstd * invstd * mean_dy_xmu).view(shape)) * scale.view(shape);

    at::Tensor grad_weight, grad_bias;
    if (weight.defined()) grad_weight = (sum_dy_xmu * invstd.to(at::kDouble)).to(weight.scalar_type());
    if (has_bias) grad_bias = sum_dy.to(weight.defined() ? weight.scalar_type() : ct);
    return {grad_input.to(x.scalar_type()), grad_weight, grad_bias, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

// Training-mode batch norm with the global batch statistics of the group (see the top of this file). running_mean /
// running_var (either may be null) are updated in place with factor momentum; weight / bias may be null.
ML_API ml_tensor ml_sync_batch_norm(ml_process_group h, ml_tensor x, ml_tensor running_mean, ml_tensor running_var,
                                    ml_tensor weight, ml_tensor bias, double momentum, double eps) {
  ML_GUARD(nullptr, {
    return medlearn::wrap(SyncBatchNormFunction::apply(*x, medlearn::undefined_if_null(weight), medlearn::undefined_if_null(bias),
                                                       medlearn::undefined_if_null(running_mean), medlearn::undefined_if_null(running_var),
                                                       momentum, eps, reinterpret_cast<int64_t>(h)));
  });
}

// This rank's weight in the current step's gradient average (n_local / n_global), read by SyncBatchNorm's backward.
ML_API void ml_dist_set_grad_weight(ml_process_group h, double weight) {
  ML_VOID({
    TORCH_CHECK(weight >= 0 && weight <= 1, "the gradient weight of a rank must be in [0, 1], got ", weight);
    h->grad_weight = weight;
  });
}
