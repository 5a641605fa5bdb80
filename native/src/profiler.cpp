// libtorch's op profiler (the one behind Python's torch.autograd.profiler.profile): start on the calling thread,
// stop and read the recorded CPU op events. The profiler state is thread-local in libtorch (ops run on other
// threads that did not inherit the state are not recorded), so start and stop must be called on the same thread.
// Kineto is not compiled into Debian's libtorch; with activities {CPU} the KINETO profiler state still records
// every RecordFunction (aten ops, autograd nodes, user scopes), exactly as Python's profiler does here.
// Events are read from the result's event tree (torch::profiler::impl::Result), whose times are in nanoseconds:
// KinetoEvent's microsecond start and duration are each truncated, so a child can seem to end after its parent
// and interval nesting (self time) breaks for about one op pair in ten.
#include "common.h"

#include <torch/csrc/autograd/profiler_kineto.h>
#include <torch/version.h>

// libtorch 1.13's internal event tree (torch::profiler::impl::Result) gives nanosecond times; its layout is not a
// stable API (it changed in 2.x), so other versions read the public KinetoEvent list (microseconds) instead.
#if TORCH_VERSION_MAJOR == 1 && TORCH_VERSION_MINOR == 13 && !defined(ML_PROFILER_KINETO_EVENTS)
#define ML_PROFILER_EVENT_TREE 1
#include <torch/csrc/profiler/collection.h>
#endif

#include <memory>
#include <type_traits>

namespace {

namespace prof = torch::autograd::profiler;
namespace impl = torch::profiler::impl;

// One recorded event, copied out of libtorch's result so the C# side reads plain memory.
struct Event {
  std::string name;
  uint64_t start_thread;
  uint64_t end_thread;
  int64_t start_ns;
  int64_t duration_ns;
  int32_t device_type;
  int32_t is_async;
  int32_t scope;
  std::vector<std::vector<int64_t>> shapes;
};

struct Profile {
  int64_t trace_start_ns = 0;
  std::vector<Event> events;
};

#ifdef ML_PROFILER_EVENT_TREE
// Op events (TorchOp: aten ops, autograd nodes, record_function scopes) of `r` and its subtree, depth first.
// Allocation, backend and Python-call records are not ops and are skipped.
void collect(const std::shared_ptr<impl::Result>& r, Profile& out) {
  r->visit([&](const auto& fields) {
    using Fields = std::decay_t<decltype(fields)>;
    if constexpr (std::is_same_v<Fields, impl::ExtraFields<impl::EventType::TorchOp>>) {
      Event e;
      e.name = fields.name_;
      e.start_thread = r->start_tid_;
      e.end_thread = r->endTID();
      e.start_ns = r->start_time_ns_;
      e.duration_ns = r->endTimeNS() - r->start_time_ns_;
      e.device_type = static_cast<int32_t>(r->deviceType());
      e.is_async = fields.is_async_ ? 1 : 0;
      e.scope = static_cast<int32_t>(fields.scope_);
      e.shapes = fields.inputs_.shapes_;
      out.events.push_back(std::move(e));
    }
  });
  for (const auto& child : r->children_) collect(child, out);
}

void collect_all(const prof::ProfilerResult& result, Profile& out) {
  for (const auto& root : result.event_tree()) collect(root, out);
}
#else
// The public event list: the same op events with microsecond times (nesting of very short ops may be off by 1 us).
void collect_all(const prof::ProfilerResult& result, Profile& out) {
  for (const auto& k : result.events()) {
    Event e;
    e.name = k.name();
    e.start_thread = k.startThreadId();
    e.end_thread = k.endThreadId();
    e.start_ns = static_cast<int64_t>(k.startUs()) * 1000;
    e.duration_ns = static_cast<int64_t>(k.durationUs()) * 1000;
    e.device_type = static_cast<int32_t>(k.deviceType());
    e.is_async = k.isAsync() ? 1 : 0;
    e.scope = static_cast<int32_t>(k.scope());
    if (k.hasShapes())
      for (const auto& shape : k.shapes()) e.shapes.push_back(shape);
    out.events.push_back(std::move(e));
  }
}
#endif

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
      profile->trace_start_ns = static_cast<int64_t>(result->trace_start_us()) * 1000;
      collect_all(*result, *profile);
      return profile.release(););
}

ML_API void ml_profile_free(ml_profile p) { delete p; }

ML_API int64_t ml_profile_event_count(ml_profile p) { ML_GUARD(-1, return static_cast<int64_t>(p->events.size());); }

ML_API int64_t ml_profile_trace_start_ns(ml_profile p) { ML_GUARD(0, return p->trace_start_ns;); }

// Event `i` (times in nanoseconds): returns its name (owned by the profile) and fills the scalar fields.
ML_API const char* ml_profile_event(ml_profile p, int64_t i, uint64_t* start_thread, uint64_t* end_thread, int64_t* start_ns,
                                    int64_t* duration_ns, int32_t* device_type, int32_t* is_async, int32_t* scope,
                                    int64_t* shape_count) {
  ML_GUARD(nullptr,
      TORCH_CHECK(i >= 0 && i < static_cast<int64_t>(p->events.size()), "event index ", i, " out of range [0, ", p->events.size(), ")");
      const auto& e = p->events[static_cast<size_t>(i)];
      *start_thread = e.start_thread;
      *end_thread = e.end_thread;
      *start_ns = e.start_ns;
      *duration_ns = e.duration_ns;
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
