// The process-group handle shared by the distributed translation units (collectives, SyncBatchNorm, the
// gradient all-reduce overlapped with backward).
#pragma once

#include "common.h"

#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>

#include <chrono>
#include <string>

namespace medlearn {
struct ProcessGroupHandle {
  c10::intrusive_ptr<c10d::Store> store;       // the TCP store (the server lives in rank 0 unless an agent hosts it)
  c10::intrusive_ptr<c10d::ProcessGroup> pg;
  int rank = 0;
  int world = 1;
  std::chrono::milliseconds timeout{0};
  std::string backend;
  // This rank's weight in the gradient average of the current step (n_local / n_global; 1 = equal weights, as
  // PyTorch's SyncBatchNorm assumes). SyncBatchNorm's backward scales its all-reduced sums by it.
  double grad_weight = 1.0;
};

// Waits for a collective up to the group's timeout; throws a message naming the collective, the rank and the timeout.
void wait_work(const c10::intrusive_ptr<c10d::Work>& work, const ProcessGroupHandle& h, const char* what);
}  // namespace medlearn
typedef medlearn::ProcessGroupHandle* ml_process_group;
