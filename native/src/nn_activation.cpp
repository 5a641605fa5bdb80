// Activations, softmax and dropout as torch.nn.functional exposes them. Exports carry the ml_nn_ prefix
// because the general tensor-op area may export element-wise ml_sigmoid/ml_tanh/ml_softmax of its own.
#include "common.h"

using namespace medlearn;

ML_API ml_tensor ml_nn_relu(ml_tensor x) { ML_TENSOR(at::relu(*x)); }
ML_API void ml_nn_relu_(ml_tensor x) { ML_VOID(at::relu_(*x)); }
ML_API ml_tensor ml_nn_leaky_relu(ml_tensor x, double slope) { ML_TENSOR(at::leaky_relu(*x, slope)); }
ML_API void ml_nn_leaky_relu_(ml_tensor x, double slope) { ML_VOID(at::leaky_relu_(*x, slope)); }
// approximate: "none" or "tanh"
ML_API ml_tensor ml_nn_gelu(ml_tensor x, const char* approximate) { ML_TENSOR(at::gelu(*x, c10::string_view(approximate))); }
ML_API ml_tensor ml_nn_elu(ml_tensor x, double alpha) { ML_TENSOR(at::elu(*x, alpha)); }
ML_API void ml_nn_elu_(ml_tensor x, double alpha) { ML_VOID(at::elu_(*x, alpha)); }
ML_API ml_tensor ml_nn_silu(ml_tensor x) { ML_TENSOR(at::silu(*x)); }
ML_API void ml_nn_silu_(ml_tensor x) { ML_VOID(at::silu_(*x)); }
ML_API ml_tensor ml_nn_sigmoid(ml_tensor x) { ML_TENSOR(at::sigmoid(*x)); }
ML_API ml_tensor ml_nn_tanh(ml_tensor x) { ML_TENSOR(at::tanh(*x)); }
ML_API ml_tensor ml_nn_hardtanh(ml_tensor x, double min_val, double max_val) { ML_TENSOR(at::hardtanh(*x, min_val, max_val)); }

// dtype < 0: keep the input dtype; otherwise the input is cast to dtype before the op.
ML_API ml_tensor ml_nn_softmax(ml_tensor x, int64_t dim, int32_t dtype) {
  ML_TENSOR(at::softmax(*x, dim, dtype < 0 ? c10::nullopt : c10::optional<at::ScalarType>(static_cast<at::ScalarType>(dtype))));
}
ML_API ml_tensor ml_nn_log_softmax(ml_tensor x, int64_t dim, int32_t dtype) {
  ML_TENSOR(at::log_softmax(*x, dim, dtype < 0 ? c10::nullopt : c10::optional<at::ScalarType>(static_cast<at::ScalarType>(dtype))));
}

// Dropout draws its mask from the default generator (same stream as PyTorch's F.dropout).
ML_API ml_tensor ml_nn_dropout(ml_tensor x, double p, int32_t train) { ML_TENSOR(at::dropout(*x, p, train != 0)); }
ML_API void ml_nn_dropout_(ml_tensor x, double p, int32_t train) { ML_VOID(at::dropout_(*x, p, train != 0)); }
// Zeroes whole channels (dims 0 and 1 index the mask): dropout1d/2d/3d.
ML_API ml_tensor ml_nn_feature_dropout(ml_tensor x, double p, int32_t train) { ML_TENSOR(at::feature_dropout(*x, p, train != 0)); }
ML_API void ml_nn_feature_dropout_(ml_tensor x, double p, int32_t train) { ML_VOID(at::feature_dropout_(*x, p, train != 0)); }
