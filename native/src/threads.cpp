// Per-thread intra-op parallelism.
//
// libtorch 1.13 (OpenMP build) runs each parallel op with `#pragma omp parallel`, i.e. with the CALLING
// thread's OpenMP nthreads ICV. at::set_num_threads changes a process-wide default that a thread copies into
// its ICV only on its first parallel op (at::internal::lazy_init_num_threads); afterwards the thread keeps
// its setting. These exports read/set the calling thread's ICV directly, after forcing that lazy
// initialisation so libtorch cannot overwrite the value later. Data-loader workers use them to run their
// ops single-threaded while the training thread keeps every core.
#include "common.h"

#include <ATen/Parallel.h>
#include <omp.h>

#include <atomic>

// Sets the intra-op thread count of the calling thread only (other threads and the process default are unchanged).
ML_API void ml_set_thread_num_threads(int32_t n) {
  ML_VOID({
    TORCH_CHECK(n > 0, "the number of threads must be positive, got ", n);
    at::internal::lazy_init_num_threads();
    omp_set_num_threads(n);
  });
}

// Intra-op thread count the calling thread's next parallel op will use.
ML_API int32_t ml_get_thread_num_threads() {
  ML_GUARD(0, {
    at::internal::lazy_init_num_threads();
    return static_cast<int32_t>(omp_get_max_threads());
  });
}

// Runs a trivial at::parallel_for over a large range on the calling thread and returns the size of the
// OpenMP team that actually executed it (1 = the op ran single-threaded). A load-independent check that the
// per-thread setting reaches libtorch's parallel primitives.
ML_API int32_t ml_probe_intra_op_team() {
  ML_GUARD(0, {
    std::atomic<int32_t> team{1};
    at::parallel_for(0, int64_t{1} << 16, 1, [&](int64_t, int64_t) {
      auto n = static_cast<int32_t>(omp_get_num_threads());
      auto cur = team.load();
      while (n > cur && !team.compare_exchange_weak(cur, n)) {}
    });
    return team.load();
  });
}
