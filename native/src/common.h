// Shared machinery of the MedLearn shim: the export macro, the error channel and tensor handles.
//
// Every exported function wraps its whole body in ML_GUARD(...): any C++ exception is caught, its message
// stored in thread-local storage with an error kind, and a neutral value returned. The C# side checks
// ml_last_error_kind() after each call, fetches the message and throws a managed exception. No exception
// ever unwinds into .NET (that would abort the process).
#pragma once

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#define ML_API extern "C" __attribute__((visibility("default")))

// Tensor handles are heap-allocated at::Tensor objects; the C# SafeHandle owns them.
typedef at::Tensor* ml_tensor;

namespace medlearn {

// Error kinds; mirrored by the C# TorchErrorKind enum.
enum ErrorKind : int32_t {
  kNoError = 0,
  kArgumentError = 1,   // c10::Error and its index/value/type subclasses: shapes, dtypes, indices
  kOutOfMemory = 2,     // c10::OutOfMemoryError, std::bad_alloc
  kNotImplemented = 3,  // c10::NotImplementedError (op missing for this dtype/device)
  kOtherError = 4,      // any other std::exception or unknown exception
};

void set_error(ErrorKind kind, const char* message) noexcept;
void clear_error() noexcept;

inline ml_tensor wrap(at::Tensor&& t) { return new at::Tensor(std::move(t)); }
inline ml_tensor wrap(const at::Tensor& t) { return new at::Tensor(t); }

inline at::IntArrayRef ints(const int64_t* data, int64_t n) { return at::IntArrayRef(data, static_cast<size_t>(n)); }

inline std::vector<at::Tensor> tensors(const ml_tensor* handles, int64_t n) {
  std::vector<at::Tensor> out;
  out.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out.push_back(*handles[i]);
  return out;
}

// Optional tensor argument: a null handle means "not given".
inline c10::optional<at::Tensor> opt(ml_tensor t) {
  return t ? c10::optional<at::Tensor>(*t) : c10::nullopt;
}

inline at::Tensor undefined_if_null(ml_tensor t) { return t ? *t : at::Tensor(); }

// Returns a malloc'ed array of new handles; the caller frees it with ml_free_handle_array.
ml_tensor* wrap_list(const std::vector<at::Tensor>& list, int64_t* count);

}  // namespace medlearn

// ML_GUARD(fallback, body): runs body; on any exception records it and returns fallback.
#define ML_GUARD(fallback, ...)                                                            \
  do {                                                                                     \
    ::medlearn::clear_error();                                                             \
    try {                                                                                  \
      __VA_ARGS__                                                                          \
    } catch (const c10::OutOfMemoryError& e) {                                             \
      ::medlearn::set_error(::medlearn::kOutOfMemory, e.what_without_backtrace());         \
    } catch (const c10::NotImplementedError& e) {                                          \
      ::medlearn::set_error(::medlearn::kNotImplemented, e.what_without_backtrace());      \
    } catch (const c10::Error& e) {                                                        \
      ::medlearn::set_error(::medlearn::kArgumentError, e.what_without_backtrace());       \
    } catch (const std::bad_alloc& e) {                                                    \
      ::medlearn::set_error(::medlearn::kOutOfMemory, e.what());                           \
    } catch (const std::exception& e) {                                                    \
      ::medlearn::set_error(::medlearn::kOtherError, e.what());                            \
    } catch (...) {                                                                        \
      ::medlearn::set_error(::medlearn::kOtherError, "unknown native exception");          \
    }                                                                                      \
    return fallback;                                                                       \
  } while (0)

// Convenience for the common "returns a new tensor" export.
#define ML_TENSOR(...) ML_GUARD(nullptr, return ::medlearn::wrap(__VA_ARGS__);)
// Convenience for exports returning nothing (in-place ops, setters).
#define ML_VOID(...) ML_GUARD(, __VA_ARGS__; return;)
