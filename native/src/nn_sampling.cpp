// Resampling and geometry: interpolate, affine_grid, grid_sample, pad, pixel (un)shuffle, flatten.
#include "common.h"

#include <cmath>

using namespace medlearn;

namespace {

// Modes of ml_interpolate; mirrored by the C# InterpolateMode enum.
enum InterpMode : int32_t { kNearest = 0, kLinear = 1, kBilinear = 2, kBicubic = 3, kTrilinear = 4, kArea = 5, kNearestExact = 6 };

const char* mode_name(int32_t m) {
  switch (m) {
    case kNearest: return "nearest";
    case kLinear: return "linear";
    case kBilinear: return "bilinear";
    case kBicubic: return "bicubic";
    case kTrilinear: return "trilinear";
    case kArea: return "area";
    case kNearestExact: return "nearest-exact";
    default: return "unknown";
  }
}

}  // namespace

// torch.nn.functional.interpolate (recompute_scale_factor=None, antialias=False). Exactly one of size
// (n_size > 0) and scale (n_scale > 0) is given; one value is broadcast to every spatial dim.
// align_corners: -1 = not given (False for the linear modes), 0/1 otherwise.
ML_API ml_tensor ml_interpolate(ml_tensor x, int32_t mode, const int64_t* size, int64_t n_size, const double* scale,
                                int64_t n_scale, int32_t align_corners) {
  ML_TENSOR([&] {
    const auto& in = *x;
    int64_t dim = in.dim() - 2;
    TORCH_CHECK(dim >= 1 && dim <= 3, "interpolate expects a 3-D, 4-D or 5-D input (N, C, spatial...), got ", in.dim(), "-D");
    TORCH_CHECK((n_size > 0) != (n_scale > 0), "interpolate: give either size or scale_factor, not both and not neither");
    bool linear = mode == kLinear || mode == kBilinear || mode == kBicubic || mode == kTrilinear;
    TORCH_CHECK(linear || align_corners < 0,
                "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
    bool ac = align_corners > 0;

    bool has_size = n_size > 0;
    std::vector<int64_t> out_size;
    std::vector<double> scales;
    if (has_size) {
      TORCH_CHECK(n_size == 1 || n_size == dim, "Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ",
                  in.sizes().slice(2), " and output size of ", ints(size, n_size));
      out_size.assign(static_cast<size_t>(dim), size[0]);
      for (int64_t i = 0; i < n_size; ++i) out_size[i] = size[i];
    } else {
      TORCH_CHECK(n_scale == 1 || n_scale == dim, "Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of ",
                  in.sizes().slice(2), " and scale_factor of length ", n_scale);
      scales.assign(static_cast<size_t>(dim), scale[0]);
      for (int64_t i = 0; i < n_scale; ++i) scales[i] = scale[i];
    }
    if (mode == kArea && !has_size) {  // "area" recomputes the size from the scale factors
      out_size.resize(static_cast<size_t>(dim));
      for (int64_t i = 0; i < dim; ++i)
        out_size[i] = static_cast<int64_t>(std::floor(static_cast<double>(in.size(i + 2)) * scales[i]));
      has_size = true;
    }
    at::OptionalIntArrayRef os = has_size ? at::OptionalIntArrayRef(at::IntArrayRef(out_size)) : c10::nullopt;
    c10::optional<at::ArrayRef<double>> sf =
        has_size ? c10::nullopt : c10::optional<at::ArrayRef<double>>(at::ArrayRef<double>(scales));

    if (mode == kNearest) {
      if (dim == 1) return at::upsample_nearest1d(in, os, sf);
      if (dim == 2) return at::upsample_nearest2d(in, os, sf);
      return at::upsample_nearest3d(in, os, sf);
    }
    if (mode == kNearestExact) {
      if (dim == 1) return at::_upsample_nearest_exact1d(in, os, sf);
      if (dim == 2) return at::_upsample_nearest_exact2d(in, os, sf);
      return at::_upsample_nearest_exact3d(in, os, sf);
    }
    if (mode == kArea) {
      if (dim == 1) return at::adaptive_avg_pool1d(in, out_size);
      if (dim == 2) return at::adaptive_avg_pool2d(in, out_size);
      return at::adaptive_avg_pool3d(in, out_size);
    }
    if (mode == kLinear && dim == 1) return at::upsample_linear1d(in, os, ac, sf);
    if (mode == kBilinear && dim == 2) return at::upsample_bilinear2d(in, os, ac, sf);
    if (mode == kBicubic && dim == 2) return at::upsample_bicubic2d(in, os, ac, sf);
    if (mode == kTrilinear && dim == 3) return at::upsample_trilinear3d(in, os, ac, sf);
    TORCH_CHECK(false, "interpolate: mode '", mode_name(mode), "' does not support ", in.dim(), "-D input");
    return at::Tensor();
  }());
}

// theta (N, 2, 3) with size (N, C, H, W), or (N, 3, 4) with size (N, C, D, H, W).
ML_API ml_tensor ml_affine_grid(ml_tensor theta, const int64_t* size, int64_t n, int32_t align_corners) {
  ML_TENSOR([&] {
    TORCH_CHECK(theta->is_floating_point(), "Expected theta to have floating point type, but got ", theta->scalar_type());
    auto s = ints(size, n);
    if (n == 4) {
      TORCH_CHECK(theta->dim() == 3 && theta->size(1) == 2 && theta->size(2) == 3,
                  "Expected a batch of 2D affine matrices of shape Nx2x3 for size ", s, ". Got ", theta->sizes(), ".");
    } else if (n == 5) {
      TORCH_CHECK(theta->dim() == 3 && theta->size(1) == 3 && theta->size(2) == 4,
                  "Expected a batch of 3D affine matrices of shape Nx3x4 for size ", s, ". Got ", theta->sizes(), ".");
    } else {
      TORCH_CHECK(false, "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size ", s, ".");
    }
    for (auto v : s) TORCH_CHECK(v > 0, "Expected non-zero, positive output size. Got ", s);
    return at::affine_grid_generator(*theta, s, align_corners != 0);
  }());
}

// mode: 0 bilinear, 1 nearest, 2 bicubic; padding_mode: 0 zeros, 1 border, 2 reflection.
ML_API ml_tensor ml_grid_sample(ml_tensor x, ml_tensor grid, int32_t mode, int32_t padding_mode, int32_t align_corners) {
  ML_TENSOR(at::grid_sampler(*x, *grid, mode, padding_mode, align_corners != 0));
}

// mode: "constant", "reflect", "replicate" or "circular"; pad lists (left, right, top, bottom, front, back).
ML_API ml_tensor ml_pad(ml_tensor x, const int64_t* pad, int64_t n, const char* mode, double value) {
  ML_TENSOR(at::pad(*x, ints(pad, n), c10::string_view(mode),
                    std::strcmp(mode, "constant") == 0 ? c10::optional<double>(value) : c10::nullopt));
}

ML_API ml_tensor ml_pixel_shuffle(ml_tensor x, int64_t r) { ML_TENSOR(at::pixel_shuffle(*x, r)); }
ML_API ml_tensor ml_pixel_unshuffle(ml_tensor x, int64_t r) { ML_TENSOR(at::pixel_unshuffle(*x, r)); }

// ml_nn_ prefix: the general tensor-op area may export its own ml_flatten.
ML_API ml_tensor ml_nn_flatten(ml_tensor x, int64_t start_dim, int64_t end_dim) { ML_TENSOR(at::flatten(*x, start_dim, end_dim)); }
