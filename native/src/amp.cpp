// Automatic mixed precision: autocast state (thread-local in libtorch) and gradient-scaler kernels.
//
// Autocast: libtorch keeps "enabled" flags, the lower-precision dtype per device kind and a nesting counter
// in thread-local state; enabling CPU autocast adds the AutocastCPU key to the thread's included dispatch
// keys, so every ATen op the shim calls (at::conv2d, at::linear, at::matmul...) goes through the autocast
// kernels while it is on. The C# Autocast scope saves the previous state, sets the new one, increments the
// nesting and, on exit, clears the cast cache when the nesting drops to 0 and restores the saved state
// (the same sequence as Python's torch.autocast.__enter__/__exit__).
//
// Gradient scaler: at::_amp_foreach_non_finite_check_and_unscale_ and at::_amp_update_scale_ only have CUDA
// kernels in 1.13. The exports below call them for CUDA tensors and otherwise compute the same thing from
// ATen ops (same arithmetic: grads multiplied by inv_scale, float scale update).
#include "common.h"

#include <ATen/autocast_mode.h>

#include <cmath>

using namespace medlearn;

namespace {
// Device kinds as c10::DeviceType codes.
constexpr int32_t kCpu = static_cast<int32_t>(c10::DeviceType::CPU);
constexpr int32_t kCuda = static_cast<int32_t>(c10::DeviceType::CUDA);

void check_device(int32_t device_type) {
  TORCH_CHECK(device_type == kCpu || device_type == kCuda, "autocast supports the device types cpu (0) and cuda (1), got ",
              device_type);
}
}  // namespace

// --- autocast state ----------------------------------------------------------------------------------

// Whether autocast is on for the device kind on this thread.
ML_API int32_t ml_autocast_is_enabled(int32_t device_type) {
  ML_GUARD(-1, {
    check_device(device_type);
    return (device_type == kCpu ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled()) ? 1 : 0;
  });
}

ML_API void ml_autocast_set_enabled(int32_t device_type, int32_t enabled) {
  ML_VOID({
    check_device(device_type);
    if (device_type == kCpu)
      at::autocast::set_cpu_enabled(enabled != 0);
    else
      at::autocast::set_enabled(enabled != 0);
  });
}

// The lower-precision dtype autocast casts to on the device kind (c10::ScalarType code).
ML_API int32_t ml_autocast_get_dtype(int32_t device_type) {
  ML_GUARD(-1, {
    check_device(device_type);
    return static_cast<int32_t>(device_type == kCpu ? at::autocast::get_autocast_cpu_dtype()
                                                    : at::autocast::get_autocast_gpu_dtype());
  });
}

ML_API void ml_autocast_set_dtype(int32_t device_type, int32_t dtype) {
  ML_VOID({
    check_device(device_type);
    auto st = static_cast<at::ScalarType>(dtype);
    if (device_type == kCpu) {
      // CPU autocast in 1.13 has bfloat16 kernels only (Python disables autocast with a warning otherwise).
      TORCH_CHECK(st == at::kBFloat16, "CPU autocast supports only bfloat16 in libtorch 1.13, got ", c10::toString(st));
      at::autocast::set_autocast_cpu_dtype(st);
    } else {
      TORCH_CHECK(st == at::kHalf || st == at::kBFloat16, "CUDA autocast supports float16 and bfloat16, got ",
                  c10::toString(st));
      at::autocast::set_autocast_gpu_dtype(st);
    }
  });
}

ML_API int32_t ml_autocast_increment_nesting() { ML_GUARD(-1, return at::autocast::increment_nesting();); }
ML_API int32_t ml_autocast_decrement_nesting() { ML_GUARD(-1, return at::autocast::decrement_nesting();); }
ML_API void ml_autocast_clear_cache() { ML_VOID(at::autocast::clear_cache()); }
ML_API int32_t ml_autocast_is_cache_enabled() { ML_GUARD(-1, return at::autocast::is_autocast_cache_enabled() ? 1 : 0;); }
ML_API void ml_autocast_set_cache_enabled(int32_t enabled) { ML_VOID(at::autocast::set_autocast_cache_enabled(enabled != 0)); }

// --- gradient scaler -----------------------------------------------------------------------------------

// For each tensor g (gradients; all on one device): found_inf = 1 if any g has an inf/NaN; g *= inv_scale.
// found_inf is a one-element float32 tensor, inv_scale a one-element float32 tensor on the same device.
ML_API void ml_amp_non_finite_check_and_unscale_(const ml_tensor* grads, int64_t count, ml_tensor found_inf,
                                                 ml_tensor inv_scale) {
  ML_VOID({
    TORCH_CHECK(inv_scale->numel() == 1 && inv_scale->scalar_type() == at::kFloat, "inv_scale must be a one-element float32 tensor");
    TORCH_CHECK(found_inf->numel() == 1 && found_inf->scalar_type() == at::kFloat, "found_inf must be a one-element float32 tensor");
    if (count == 0) return;
    auto list = tensors(grads, count);
    bool all_cuda = found_inf->is_cuda();
    for (const auto& g : list) all_cuda = all_cuda && g.is_cuda();
    if (all_cuda) {
      at::_amp_foreach_non_finite_check_and_unscale_(list, *found_inf, *inv_scale);
      return;
    }
    at::NoGradGuard no_grad;
    // 0-dim views so 0-dim gradients (scalar parameters) broadcast too.
    auto inv = inv_scale->reshape(at::IntArrayRef{});
    auto found = found_inf->reshape(at::IntArrayRef{});
    for (auto& g : list) {
      TORCH_CHECK(g.device() == found_inf->device(), "all gradients must be on the device of the scale (",
                  found_inf->device(), "), got one on ", g.device());
      TORCH_CHECK(g.is_floating_point(), "gradients must be floating point, got ", g.scalar_type());
      if (g.numel() == 0) continue;
      auto bad = at::logical_not(at::isfinite(g)).any().to(at::kFloat);
      at::maximum_out(found, found, bad);
      // Multiply in the gradient's dtype by the float32 reciprocal, as the CUDA kernel does (exact when the
      // scale is a power of two).
      g.mul_(inv);
    }
  });
}

// Updates scale and growth_tracker in place after a step (at::_amp_update_scale_ semantics):
//   found_inf != 0:  scale *= backoff_factor, tracker = 0
//   otherwise:       tracker += 1; when tracker reaches growth_interval: scale *= growth_factor (kept only
//                    if finite), tracker = 0.
// scale: one-element float32; growth_tracker: one-element int32; found_inf: one-element float32.
ML_API void ml_amp_update_scale_(ml_tensor scale, ml_tensor growth_tracker, ml_tensor found_inf, double growth_factor,
                                 double backoff_factor, int64_t growth_interval) {
  ML_VOID({
    TORCH_CHECK(scale->numel() == 1 && scale->scalar_type() == at::kFloat, "scale must be a one-element float32 tensor");
    TORCH_CHECK(growth_tracker->numel() == 1 && growth_tracker->scalar_type() == at::kInt,
                "growth_tracker must be a one-element int32 tensor");
    TORCH_CHECK(found_inf->numel() == 1 && found_inf->scalar_type() == at::kFloat, "found_inf must be a one-element float32 tensor");
    if (scale->is_cuda()) {
      at::_amp_update_scale_(*scale, *growth_tracker, *found_inf, growth_factor, backoff_factor, growth_interval);
      return;
    }
    at::NoGradGuard no_grad;
    float current = scale->item<float>();
    if (found_inf->item<float>() != 0.0f) {
      scale->fill_(static_cast<float>(current * backoff_factor));
      growth_tracker->fill_(0);
    } else {
      int64_t successful = growth_tracker->item<int32_t>() + 1;
      if (successful == growth_interval) {
        float grown = static_cast<float>(current * growth_factor);
        if (std::isfinite(grown)) scale->fill_(grown);
        growth_tracker->fill_(0);
      } else {
        growth_tracker->fill_(successful);
      }
    }
  });
}
