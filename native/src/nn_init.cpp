// In-place fills used by the parameter initialisers (torch.nn.init). Random draws use ml_uniform_/ml_normal_.
#include "common.h"

#include <cmath>

using namespace medlearn;

ML_API void ml_nn_fill_(ml_tensor t, double value) { ML_VOID(t->fill_(value)); }

// torch.nn.init.trunc_normal_ (1.13): inverse-CDF sampling from uniform(2l-1, 2u-1) through erfinv, then
// scale, shift and clamp to [a, b]. Null generator = the default one.
ML_API void ml_nn_trunc_normal_(ml_tensor t, double mean, double std, double a, double b, at::Generator* g) {
  ML_VOID({
    auto norm_cdf = [](double x) { return (1.0 + std::erf(x / std::sqrt(2.0))) / 2.0; };
    double l = norm_cdf((a - mean) / std);
    double u = norm_cdf((b - mean) / std);
    t->uniform_(2 * l - 1, 2 * u - 1, g ? c10::optional<at::Generator>(*g) : c10::nullopt);
    t->erfinv_();
    t->mul_(std * std::sqrt(2.0));
    t->add_(mean);
    t->clamp_(a, b);
  });
}
