// Error channel, library/runtime information and threading.
#include "common.h"

#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <ATen/Context.h>
#include <torch/version.h>

#include <cstdlib>
#include <exception>
#include <thread>
#include <dlfcn.h>

namespace medlearn {

namespace {
thread_local int32_t t_error_kind = kNoError;
thread_local std::string t_error_message;
}  // namespace

void set_error(ErrorKind kind, const char* message) noexcept {
  t_error_kind = kind;
  try {
    t_error_message = message ? message : "";
  } catch (...) {
    t_error_kind = kOutOfMemory;
  }
}

void clear_error() noexcept { t_error_kind = kNoError; }

ml_tensor* wrap_list(const std::vector<at::Tensor>& list, int64_t* count) {
  *count = static_cast<int64_t>(list.size());
  auto* out = static_cast<ml_tensor*>(std::malloc(sizeof(ml_tensor) * (list.empty() ? 1 : list.size())));
  if (!out) throw std::bad_alloc();
  for (size_t i = 0; i < list.size(); ++i) out[i] = new at::Tensor(list[i]);
  return out;
}

}  // namespace medlearn

using namespace medlearn;

// --- error channel -------------------------------------------------------------------------------

ML_API int32_t ml_last_error_kind() { return t_error_kind; }

// Pointer owned by the shim (valid until the next failing call on this thread).
ML_API const char* ml_last_error_message() { return t_error_message.c_str(); }

ML_API void ml_clear_error() { clear_error(); }

// Deliberately throws a C++ exception of the given kind; used by tests of the error channel.
ML_API void ml_test_throw(int32_t kind) {
  ML_VOID(switch (kind) {
    case 1: TORCH_CHECK(false, "test argument error");
    case 2: throw std::bad_alloc();
    case 3: throw std::runtime_error("test runtime error");
    default: throw 42;
  });
}

// --- runtime information -------------------------------------------------------------------------

ML_API const char* ml_shim_version() { return MEDLEARN_SHIM_VERSION; }

ML_API const char* ml_torch_version() { return TORCH_VERSION; }

namespace {
std::string g_libtorch_path;
std::string g_config;
}  // namespace

// Path of the libtorch_cpu shared object this shim is linked against.
ML_API const char* ml_libtorch_path() {
  ML_GUARD("", {
    Dl_info info;
    if (dladdr(reinterpret_cast<void*>(&at::get_num_threads), &info) && info.dli_fname)
      g_libtorch_path = info.dli_fname;
    return g_libtorch_path.c_str();
  });
}

ML_API const char* ml_build_config() {
  ML_GUARD("", {
    g_config = at::show_config();
    return g_config.c_str();
  });
}

ML_API int32_t ml_has_mkldnn() { return at::hasMKLDNN() ? 1 : 0; }
ML_API int32_t ml_has_openmp() { return at::hasOpenMP() ? 1 : 0; }
ML_API int32_t ml_has_lapack() { return at::hasLAPACK() ? 1 : 0; }
ML_API int32_t ml_cuda_is_available() { ML_GUARD(0, return at::hasCUDA() ? 1 : 0;); }
ML_API int32_t ml_cuda_device_count() {
  ML_GUARD(0, {
    if (!at::hasCUDA()) return 0;
    return static_cast<int32_t>(at::detail::getCUDAHooks().getNumGPUs());
  });
}

// --- threads ---------------------------------------------------------------------------------------

// Must be the first torch call of the process: libtorch here starts with one intra-op thread and a
// thread that already ran a parallel op keeps its old setting.
ML_API void ml_set_num_threads(int32_t n) { ML_VOID(at::set_num_threads(n)); }
// The process default, not the calling thread's: with OpenMP the count is per thread, so a worker that set 1 for
// itself (ml_set_thread_num_threads) would report 1. A fresh thread starts from what at::set_num_threads last set.
ML_API int32_t ml_get_num_threads() {
  ML_GUARD(0, {
    int32_t n = 0;
    std::exception_ptr error;
    std::thread([&] {
      try { n = static_cast<int32_t>(at::get_num_threads()); } catch (...) { error = std::current_exception(); }
    }).join();
    if (error) std::rethrow_exception(error);
    return n;
  });
}
ML_API void ml_set_num_interop_threads(int32_t n) { ML_VOID(at::set_num_interop_threads(n)); }
ML_API int32_t ml_get_num_interop_threads() { ML_GUARD(0, return at::get_num_interop_threads();); }

ML_API void ml_free(void* p) { std::free(p); }
