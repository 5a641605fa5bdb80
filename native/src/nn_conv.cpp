// Convolutions (1-3 d, transposed) and the affine (linear) layer.
#include "common.h"

using namespace medlearn;

// Shapes/strides cross the ABI as pointer + count; a count of 1 is expanded by ATen to every spatial dim.
#define ML_CONV_EXPORTS(nd)                                                                                   \
  ML_API ml_tensor ml_conv##nd##d(ml_tensor x, ml_tensor w, ml_tensor b, const int64_t* stride, int64_t n_stride, \
                                  const int64_t* padding, int64_t n_padding, const int64_t* dilation,          \
                                  int64_t n_dilation, int64_t groups) {                                        \
    ML_TENSOR(at::conv##nd##d(*x, *w, opt(b), ints(stride, n_stride), ints(padding, n_padding),                 \
                              ints(dilation, n_dilation), groups));                                             \
  }                                                                                                             \
  /* padding given as "same" or "valid" */                                                                      \
  ML_API ml_tensor ml_conv##nd##d_padding_mode(ml_tensor x, ml_tensor w, ml_tensor b, const int64_t* stride,     \
                                               int64_t n_stride, const char* padding, const int64_t* dilation,   \
                                               int64_t n_dilation, int64_t groups) {                            \
    ML_TENSOR(at::conv##nd##d(*x, *w, opt(b), ints(stride, n_stride), c10::string_view(padding),                 \
                              ints(dilation, n_dilation), groups));                                             \
  }                                                                                                             \
  ML_API ml_tensor ml_conv_transpose##nd##d(ml_tensor x, ml_tensor w, ml_tensor b, const int64_t* stride,        \
                                            int64_t n_stride, const int64_t* padding, int64_t n_padding,         \
                                            const int64_t* output_padding, int64_t n_output_padding,             \
                                            int64_t groups, const int64_t* dilation, int64_t n_dilation) {       \
    ML_TENSOR(at::conv_transpose##nd##d(*x, *w, opt(b), ints(stride, n_stride), ints(padding, n_padding),       \
                                        ints(output_padding, n_output_padding), groups,                          \
                                        ints(dilation, n_dilation)));                                           \
  }

ML_CONV_EXPORTS(1)
ML_CONV_EXPORTS(2)
ML_CONV_EXPORTS(3)

// y = x W^T + b
ML_API ml_tensor ml_linear(ml_tensor x, ml_tensor w, ml_tensor b) { ML_TENSOR(at::linear(*x, *w, opt(b))); }

// torch.mkldnn_convolution: the oneDNN convolution called directly, bypassing at::convolution's backend choice (which
// sends small batch-1 convolutions to im2col + BLAS). Spatial stride/padding/dilation must have one entry per dim.
ML_API ml_tensor ml_mkldnn_convolution(ml_tensor x, ml_tensor w, ml_tensor b, const int64_t* padding, int64_t n_padding,
                                       const int64_t* stride, int64_t n_stride, const int64_t* dilation, int64_t n_dilation,
                                       int64_t groups) {
  ML_TENSOR(at::mkldnn_convolution(*x, *w, opt(b), ints(padding, n_padding), ints(stride, n_stride), ints(dilation, n_dilation), groups));
}
