// Stand-in for libkineto's ActivityType.h, for libtorch builds without Kineto (Debian's libtorch 1.13) whose installed
// torch/csrc/profiler/collection.h still includes it. Only profiler.cpp sees this folder, and only when no real
// ActivityType.h is found (CMakeLists.txt). Only the type matters (the shim never uses its values): like libkineto's, an
// `enum class` with the default `int` underlying type, so the layout of libtorch's profiler records that embed it matches.
#pragma once

namespace libkineto {

enum class ActivityType {
  CPU_OP = 0,
  USER_ANNOTATION,
  GPU_USER_ANNOTATION,
  GPU_MEMCPY,
  GPU_MEMSET,
  CONCURRENT_KERNEL,
  EXTERNAL_CORRELATION,
  CUDA_RUNTIME,
  CUDA_PROFILER_RANGE,
  GLOW_RUNTIME,
  CPU_INSTANT_EVENT,
  PYTHON_FUNCTION,
  OVERHEAD,
  ENUM_COUNT,
  OPTIONAL_ACTIVITY_TYPE_START = GLOW_RUNTIME,
};

}  // namespace libkineto
