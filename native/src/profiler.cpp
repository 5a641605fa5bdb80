// libtorch's op profiler (the one behind Python's torch.autograd.profiler.profile): start on the calling thread,
// stop and read the recorded CPU op events. The profiler state is thread-local in libtorch (ops run on other
// threads that did not inherit the state are not recorded), so start and stop must be called on the same thread.
// Kineto is not compiled into Debian's libtorch; with activities {CPU} the KINETO profiler state still records
// every RecordFunction (aten ops, autograd nodes, user scopes), exactly as Python's profiler does here.
#include "common.h"

#include <torch/csrc/autograd/profiler_kineto.h>

#include <memory>

namespace {

namespace prof = torch::autograd::profiler;
namespace impl = torch::profiler::impl;

// One recorded event, copied out of libtorch's result so the C# side reads plain memory.
struct Event {
  std::string name;
  uint64_t start_thread;
  uint64_t end_thread;
  int64_t start_us;
  int64_t duration_us;
  int32_t device_type;
  int32_t is_async;
  int32_t scope;
  std::vector<std::vector<int64_t>> shapes;
};

struct Profile {
  int64_t trace_start_us = 0;
  std::vector<Event> events;
};

}  // namespace

typedef Profile* ml_profile;

// Starts the profiler on the calling thread; `record_shapes` != 0 records each op's input shapes (costs time).
ML_API void ml_profiler_start(int32_t record_shapes) {
  ML_VOID(
      TORCH_CHECK(!impl::profilerEnabled(), "the profiler is already running on this thread: stop it before starting another");
      impl::ProfilerConfig config(impl::ProfilerState::KINETO, /*report_input_shapes=*/record_shapes != 0);
      const std::set<impl::ActivityType> activities{impl::ActivityType::CPU};
      prof::prepareProfiler(config, activities);
      prof::enableProfiler(config, activities));
}

// 1 when a profiler is running on the calling thread.
ML_API int32_t ml_profiler_is_running() { ML_GUARD(0, return impl::profilerEnabled() ? 1 : 0;); }

// Stops the calling thread's profiler and returns its events (free with ml_profile_free).
ML_API ml_profile ml_profiler_stop() {
  ML_GUARD(nullptr,
      TORCH_CHECK(impl::profilerEnabled(), "the profiler is not running on this thread: start it before stopping it");
      auto result = prof::disableProfiler();
      auto profile = std::make_unique<Profile>();
      profile->trace_start_us = static_cast<int64_t>(result->trace_start_us());
      const auto& events = result->events();
      profile->events.reserve(events.size());
      for (const auto& e : events) {
        Event out;
        out.name = e.name();
        out.start_thread = e.startThreadId();
        out.end_thread = e.endThreadId();
        out.start_us = static_cast<int64_t>(e.startUs());
        out.duration_us = static_cast<int64_t>(e.durationUs());
        out.device_type = static_cast<int32_t>(e.deviceType());
        out.is_async = e.isAsync() ? 1 : 0;
        out.scope = static_cast<int32_t>(e.scope());
        if (e.hasShapes()) {
          auto shapes = e.shapes();
          out.shapes.assign(shapes.begin(), shapes.end());
        }
        profile->events.push_back(std::move(out));
      }
      return profile.release(););
}

ML_API void ml_profile_free(ml_profile p) { delete p; }

ML_API int64_t ml_profile_event_count(ml_profile p) { ML_GUARD(-1, return static_cast<int64_t>(p->events.size());); }

ML_API int64_t ml_profile_trace_start_us(ml_profile p) { ML_GUARD(0, return p->trace_start_us;); }

// Event `i`: returns its name (owned by the profile) and fills the scalar fields.
ML_API const char* ml_profile_event(ml_profile p, int64_t i, uint64_t* start_thread, uint64_t* end_thread, int64_t* start_us,
                                    int64_t* duration_us, int32_t* device_type, int32_t* is_async, int32_t* scope,
                                    int64_t* shape_count) {
  ML_GUARD(nullptr,
      TORCH_CHECK(i >= 0 && i < static_cast<int64_t>(p->events.size()), "event index ", i, " out of range [0, ", p->events.size(), ")");
      const auto& e = p->events[static_cast<size_t>(i)];
      *start_thread = e.start_thread;
      *end_thread = e.end_thread;
      *start_us = e.start_us;
      *duration_us = e.duration_us;
      *device_type = e.device_type;
      *is_async = e.is_async;
      *scope = e.scope;
      *shape_count = static_cast<int64_t>(e.shapes.size());
      return e.name.c_str(););
}

// Input `j` of event `i`: its dimensions (owned by the profile; empty for a non-tensor input).
ML_API const int64_t* ml_profile_event_shape(ml_profile p, int64_t i, int64_t j, int64_t* ndim) {
  ML_GUARD(nullptr,
      TORCH_CHECK(i >= 0 && i < static_cast<int64_t>(p->events.size()), "event index ", i, " out of range");
      const auto& shapes = p->events[static_cast<size_t>(i)].shapes;
      TORCH_CHECK(j >= 0 && j < static_cast<int64_t>(shapes.size()), "input index ", j, " out of range");
      *ndim = static_cast<int64_t>(shapes[static_cast<size_t>(j)].size());
      static const int64_t empty = 0;
      return shapes[static_cast<size_t>(j)].empty() ? &empty : shapes[static_cast<size_t>(j)].data(););
}
