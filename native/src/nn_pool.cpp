// Max, average and adaptive pooling. An empty stride array means "stride = kernel size" (PyTorch's None).
#include "common.h"

using namespace medlearn;

#define ML_MAX_POOL(nd)                                                                                         \
  ML_API ml_tensor ml_max_pool##nd##d(ml_tensor x, const int64_t* kernel, int64_t n_kernel, const int64_t* stride, \
                                      int64_t n_stride, const int64_t* padding, int64_t n_padding,                 \
                                      const int64_t* dilation, int64_t n_dilation, int32_t ceil_mode) {            \
    ML_TENSOR(at::max_pool##nd##d(*x, ints(kernel, n_kernel), ints(stride, n_stride), ints(padding, n_padding),    \
                                  ints(dilation, n_dilation), ceil_mode != 0));                                    \
  }

ML_MAX_POOL(1)
ML_MAX_POOL(2)
ML_MAX_POOL(3)

// Output and flat spatial argmax indices (int64) in out0/out1.
#define ML_MAX_POOL_INDICES(nd)                                                                                  \
  ML_API void ml_max_pool##nd##d_with_indices(ml_tensor x, const int64_t* kernel, int64_t n_kernel,              \
                                              const int64_t* stride, int64_t n_stride, const int64_t* padding,   \
                                              int64_t n_padding, const int64_t* dilation, int64_t n_dilation,    \
                                              int32_t ceil_mode, ml_tensor* out0, ml_tensor* out1) {             \
    ML_VOID({                                                                                                    \
      auto r = at::max_pool##nd##d_with_indices(*x, ints(kernel, n_kernel), ints(stride, n_stride),              \
                                                ints(padding, n_padding), ints(dilation, n_dilation),            \
                                                ceil_mode != 0);                                                 \
      *out0 = wrap(std::get<0>(r));                                                                              \
      *out1 = wrap(std::get<1>(r));                                                                              \
    });                                                                                                          \
  }

ML_MAX_POOL_INDICES(2)
ML_MAX_POOL_INDICES(3)

ML_API ml_tensor ml_avg_pool1d(ml_tensor x, const int64_t* kernel, int64_t n_kernel, const int64_t* stride,
                               int64_t n_stride, const int64_t* padding, int64_t n_padding, int32_t ceil_mode,
                               int32_t count_include_pad) {
  ML_TENSOR(at::avg_pool1d(*x, ints(kernel, n_kernel), ints(stride, n_stride), ints(padding, n_padding),
                           ceil_mode != 0, count_include_pad != 0));
}

// divisor_override <= 0 means none.
#define ML_AVG_POOL(nd)                                                                                         \
  ML_API ml_tensor ml_avg_pool##nd##d(ml_tensor x, const int64_t* kernel, int64_t n_kernel, const int64_t* stride, \
                                      int64_t n_stride, const int64_t* padding, int64_t n_padding,                 \
                                      int32_t ceil_mode, int32_t count_include_pad, int64_t divisor_override) {    \
    ML_TENSOR(at::avg_pool##nd##d(*x, ints(kernel, n_kernel), ints(stride, n_stride), ints(padding, n_padding),    \
                                  ceil_mode != 0, count_include_pad != 0,                                          \
                                  divisor_override > 0 ? c10::optional<int64_t>(divisor_override) : c10::nullopt)); \
  }

ML_AVG_POOL(2)
ML_AVG_POOL(3)

ML_API ml_tensor ml_adaptive_avg_pool1d(ml_tensor x, const int64_t* size, int64_t n) {
  ML_TENSOR(at::adaptive_avg_pool1d(*x, ints(size, n)));
}
ML_API ml_tensor ml_adaptive_avg_pool2d(ml_tensor x, const int64_t* size, int64_t n) {
  ML_TENSOR(at::adaptive_avg_pool2d(*x, ints(size, n)));
}
ML_API ml_tensor ml_adaptive_avg_pool3d(ml_tensor x, const int64_t* size, int64_t n) {
  ML_TENSOR(at::adaptive_avg_pool3d(*x, ints(size, n)));
}

#define ML_ADAPTIVE_MAX_POOL(nd)                                                                                \
  ML_API void ml_adaptive_max_pool##nd##d(ml_tensor x, const int64_t* size, int64_t n, ml_tensor* out0,          \
                                          ml_tensor* out1) {                                                     \
    ML_VOID({                                                                                                    \
      auto r = at::adaptive_max_pool##nd##d(*x, ints(size, n));                                                  \
      *out0 = wrap(std::get<0>(r));                                                                              \
      *out1 = wrap(std::get<1>(r));                                                                              \
    });                                                                                                          \
  }

ML_ADAPTIVE_MAX_POOL(1)
ML_ADAPTIVE_MAX_POOL(2)
ML_ADAPTIVE_MAX_POOL(3)
