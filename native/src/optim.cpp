// Optimiser steps and gradient clipping: one export per optimiser step, each a handful of ATen _foreach_*
// calls over one parameter group, mirroring torch/optim/{sgd,adam,adamw}.py (1.13) update for update.
//
// The optimiser state (momentum buffers, moments, step counts) is owned by C#. State tensors cross the ABI as
// in/out handle arrays: a null entry means "no state yet"; the step creates it (like PyTorch's lazy state
// initialisation) and writes the new handle into the array, which C# then owns. New handles are written only
// after every update succeeded, so a failing step leaks nothing. Parameters whose .grad is undefined are
// skipped (stepped[i] = 0) and keep their state untouched.
#include "common.h"

#include <ATen/core/grad_mode.h>

#include <cmath>

using namespace medlearn;

namespace {

// Indices of the parameters that have a gradient; also writes the stepped mask.
std::vector<int64_t> with_grad(const ml_tensor* params, int64_t n, int32_t* stepped) {
  std::vector<int64_t> idx;
  idx.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    TORCH_CHECK(params[i] != nullptr, "parameter ", i, " is a null handle");
    bool has = params[i]->grad().defined();
    if (stepped) stepped[i] = has ? 1 : 0;
    if (has) idx.push_back(i);
  }
  return idx;
}

std::vector<at::Tensor> gather(const ml_tensor* handles, const std::vector<int64_t>& idx) {
  std::vector<at::Tensor> out;
  out.reserve(idx.size());
  for (auto i : idx) out.push_back(*handles[i]);
  return out;
}

std::vector<at::Tensor> grads_of(const std::vector<at::Tensor>& params) {
  std::vector<at::Tensor> out;
  out.reserve(params.size());
  for (const auto& p : params) out.push_back(p.grad());
  return out;
}

}  // namespace

// SGD over one parameter group (torch.optim.SGD, 1.13):
//   g = grad (negated if maximize);  g += wd * p  (out of place)
//   momentum != 0:  buf = clone(g) on the first step, else buf = momentum * buf + (1 - dampening) * g
//                   g = nesterov ? g + momentum * buf : buf
//   p -= lr * g
// momentum_bufs: n in/out handles (null = no buffer yet; may be null as a whole when momentum == 0).
ML_API void ml_sgd_step(const ml_tensor* params, ml_tensor* momentum_bufs, int32_t* stepped, int64_t n, double lr,
                        double momentum, double dampening, double weight_decay, int32_t nesterov, int32_t maximize) {
  ML_VOID({
    at::NoGradGuard no_grad;
    auto idx = with_grad(params, n, stepped);
    if (idx.empty()) return;
    auto ps = gather(params, idx);
    auto gs = grads_of(ps);
    if (maximize) gs = at::_foreach_neg(gs);
    if (weight_decay != 0) gs = at::_foreach_add(gs, ps, weight_decay);

    std::vector<std::pair<int64_t, at::Tensor>> created;
    if (momentum != 0) {
      TORCH_CHECK(momentum_bufs != nullptr, "momentum buffers are required when momentum != 0");
      std::vector<at::Tensor> old_bufs, old_grads, bufs;
      for (size_t k = 0; k < idx.size(); ++k) {
        if (momentum_bufs[idx[k]]) {
          old_bufs.push_back(*momentum_bufs[idx[k]]);
          old_grads.push_back(gs[k]);
        }
      }
      if (!old_bufs.empty()) {
        at::_foreach_mul_(old_bufs, momentum);
        at::_foreach_add_(old_bufs, old_grads, 1 - dampening);
      }
      for (size_t k = 0; k < idx.size(); ++k) {
        if (momentum_bufs[idx[k]]) {
          bufs.push_back(*momentum_bufs[idx[k]]);
        } else {
          auto buf = gs[k].clone().detach();
          created.emplace_back(idx[k], buf);
          bufs.push_back(buf);
        }
      }
      if (nesterov) gs = at::_foreach_add(gs, bufs, momentum);
      else gs = bufs;
    }
    at::_foreach_add_(ps, gs, -lr);
    for (auto& c : created) momentum_bufs[c.first] = wrap(std::move(c.second));
  });
}

// Adam / AdamW over one parameter group (torch.optim.Adam and AdamW, 1.13, non-capturable path):
//   step += 1;  g = grad (negated if maximize)
//   Adam:  g += wd * p (out of place)          AdamW:  p *= 1 - lr * wd
//   m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g * g
//   amsgrad: vmax = max(vmax, v), v^ = vmax, else v^ = v
//   p += -(lr / (1 - beta1^step)) * m / (sqrt(v^) / sqrt(1 - beta2^step) + eps)
// exp_avgs / exp_avg_sqs / max_exp_avg_sqs: n in/out handles (null = zeros created here; max_exp_avg_sqs may be
// null as a whole without amsgrad). steps: n in/out step counts (PyTorch keeps them as float32 tensors).
ML_API void ml_adam_step(const ml_tensor* params, ml_tensor* exp_avgs, ml_tensor* exp_avg_sqs,
                         ml_tensor* max_exp_avg_sqs, double* steps, int32_t* stepped, int64_t n, double lr,
                         double beta1, double beta2, double eps, double weight_decay, int32_t amsgrad,
                         int32_t maximize, int32_t decoupled_weight_decay) {
  ML_VOID({
    at::NoGradGuard no_grad;
    TORCH_CHECK(!amsgrad || max_exp_avg_sqs != nullptr, "max_exp_avg_sqs are required with amsgrad");
    auto idx = with_grad(params, n, stepped);
    if (idx.empty()) return;
    auto ps = gather(params, idx);
    auto gs = grads_of(ps);

    // Lazy state: zeros like the parameter (memory format preserved), created before anything is modified.
    std::vector<std::pair<ml_tensor*, at::Tensor>> created;
    auto state = [&](ml_tensor* handles) {
      std::vector<at::Tensor> out;
      out.reserve(idx.size());
      for (auto i : idx) {
        if (handles[i]) {
          out.push_back(*handles[i]);
        } else {
          auto z = at::zeros_like(*params[i], at::MemoryFormat::Preserve);
          created.emplace_back(&handles[i], z);
          out.push_back(z);
        }
      }
      return out;
    };
    auto ms = state(exp_avgs);
    auto vs = state(exp_avg_sqs);
    std::vector<at::Tensor> vmax;
    if (amsgrad) vmax = state(max_exp_avg_sqs);

    std::vector<double> new_steps;
    std::vector<at::Scalar> neg_step_size, bc2_sqrt;
    for (auto i : idx) {
      double step = steps[i] + 1;
      new_steps.push_back(step);
      double bc1 = 1 - std::pow(beta1, step);
      double bc2 = 1 - std::pow(beta2, step);
      neg_step_size.emplace_back(-(lr / bc1));
      bc2_sqrt.emplace_back(std::sqrt(bc2));
    }

    if (maximize) gs = at::_foreach_neg(gs);
    if (decoupled_weight_decay) at::_foreach_mul_(ps, 1 - lr * weight_decay);
    else if (weight_decay != 0) gs = at::_foreach_add(gs, ps, weight_decay);

    at::_foreach_mul_(ms, beta1);
    at::_foreach_add_(ms, gs, 1 - beta1);
    at::_foreach_mul_(vs, beta2);
    at::_foreach_addcmul_(vs, gs, gs, 1 - beta2);

    std::vector<at::Tensor> denom;
    if (amsgrad) {
      at::_foreach_maximum_(vmax, vs);
      denom = at::_foreach_sqrt(vmax);
    } else {
      denom = at::_foreach_sqrt(vs);
    }
    at::_foreach_div_(denom, bc2_sqrt);
    at::_foreach_add_(denom, eps);
    at::_foreach_addcdiv_(ps, ms, denom, neg_step_size);

    for (size_t k = 0; k < idx.size(); ++k) steps[idx[k]] = new_steps[k];
    for (auto& c : created) *c.first = wrap(std::move(c.second));
  });
}

// torch.nn.utils.clip_grad_norm_ (1.13) over the parameters that have a gradient:
//   total = ||(||g_1||_p, ..., ||g_k||_p)||_p  (p = inf: max |g|)
//   every g *= min(max_norm / (total + 1e-6), 1)
// Returns total (a 0-dim tensor; 0 when no parameter has a gradient). With error_if_nonfinite and a NaN/inf
// total, nothing is clipped and *nonfinite is set to 1.
ML_API ml_tensor ml_clip_grad_norm_(const ml_tensor* params, int64_t n, double max_norm, double norm_type,
                                    int32_t error_if_nonfinite, int32_t* nonfinite) {
  ML_GUARD(nullptr, {
    at::NoGradGuard no_grad;
    *nonfinite = 0;
    auto idx = with_grad(params, n, nullptr);
    if (idx.empty()) return wrap(at::zeros({}, at::kFloat));
    auto gs = grads_of(gather(params, idx));
    at::Tensor total;
    if (std::isinf(norm_type) && norm_type > 0) {
      std::vector<at::Tensor> norms;
      for (const auto& g : gs) norms.push_back(g.abs().max());
      total = norms.size() == 1 ? norms[0] : at::max(at::stack(norms));
    } else {
      total = at::linalg_vector_norm(at::stack(at::_foreach_norm(gs, norm_type)), norm_type);
    }
    if (error_if_nonfinite && !std::isfinite(total.item<double>())) {
      *nonfinite = 1;
      return wrap(std::move(total));
    }
    // PyTorch: clip_coef = max_norm / (total + 1e-6), a float / tensor that Python evaluates as reciprocal * max_norm.
    auto clip_coef = at::reciprocal(total + 1e-6) * max_norm;
    auto clamped = at::clamp(clip_coef, c10::nullopt, 1.0);
    for (auto& g : gs) g.mul_(clamped);
    return wrap(std::move(total));
  });
}

// torch.nn.utils.clip_grad_value_: every existing gradient clamped in place to [-clip_value, clip_value].
ML_API void ml_clip_grad_value_(const ml_tensor* params, int64_t n, double clip_value) {
  ML_VOID({
    at::NoGradGuard no_grad;
    for (int64_t i = 0; i < n; ++i) {
      TORCH_CHECK(params[i] != nullptr, "parameter ", i, " is a null handle");
      auto g = params[i]->grad();
      if (g.defined()) g.clamp_(-clip_value, clip_value);
    }
  });
}

// Sets .grad of every parameter to undefined (set_to_none) or zeroes it in place (optimizer.zero_grad).
ML_API void ml_zero_grad(const ml_tensor* params, int64_t n, int32_t set_to_none) {
  ML_VOID({
    for (int64_t i = 0; i < n; ++i) {
      TORCH_CHECK(params[i] != nullptr, "parameter ", i, " is a null handle");
      auto& g = params[i]->mutable_grad();
      if (!g.defined()) continue;
      if (set_to_none) {
        g.reset();
      } else {
        if (g.grad_fn()) g.detach_();
        else g.requires_grad_(false);
        g.zero_();
      }
    }
  });
}
