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
