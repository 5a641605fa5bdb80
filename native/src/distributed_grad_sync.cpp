// Gradient all-reduce overlapped with backward (DistributedDataParallel's reducer, reduced to what the trainer needs):
// a post-hook on every parameter's gradient accumulator marks the parameter ready; buckets of about bucket_bytes are
// formed in reverse registration order (the order backward usually produces gradients, as DDP assumes) and a bucket
// is launched as an asynchronous all-reduce as soon as all its parameters are ready and every earlier bucket was
// launched, so every rank issues the same collectives in the same order. finish() launches what is left (parameters
// unused in this backward contribute their current gradient or zeros, as in the after-backward path), waits, and
// copies the sums back. The arithmetic (grad · scale, summed over the ranks) is the after-backward path's, bucket
// layout aside, so the results agree bit for bit for two ranks (a + b is commutative in floating point).
#include "distributed.h"

#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/utils/lambda_post_hook.h>
#include <torch/csrc/autograd/variable.h>

#include <memory>
#include <mutex>

namespace {
using medlearn::ProcessGroupHandle;

struct GradSync {
  ProcessGroupHandle* h = nullptr;
  std::vector<at::Tensor> params;
  std::vector<std::shared_ptr<torch::autograd::Node>> accumulators;  // keeps the hooked accumulators alive
  std::vector<std::vector<size_t>> buckets;                          // launch order
  std::vector<size_t> bucket_of;
  std::vector<size_t> pending;                                       // per bucket: parameters not ready yet
  std::vector<char> ready;
  std::vector<at::Tensor> flat;
  std::vector<c10::intrusive_ptr<c10d::Work>> works;
  size_t next = 0;
  double scale = 1.0;
  bool armed = false;
  std::mutex mutex;

  at::Tensor grad_or_zeros(size_t i) {
    auto& p = params[i];
    if (!p.grad().defined()) p.mutable_grad() = at::zeros_like(p);
    return p.grad();
  }

  void launch(size_t b) {
    std::vector<at::Tensor> parts;
    for (auto i : buckets[b]) parts.push_back(grad_or_zeros(i).reshape({-1}));
    flat[b] = at::cat(parts);
    if (scale != 1.0) flat[b].mul_(scale);
    std::vector<at::Tensor> one{flat[b]};
    c10d::AllreduceOptions o;
    o.reduceOp = c10d::ReduceOp::SUM;
    o.timeout = h->timeout;
    works[b] = h->pg->allreduce(one, o);
  }

  void launch_ready() {
    while (next < buckets.size() && pending[next] == 0) launch(next++);
  }

  void mark_ready(size_t i) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!armed || ready[i]) return;
    ready[i] = 1;
    --pending[bucket_of[i]];
    launch_ready();
  }
};

struct GradSyncBox {
  std::shared_ptr<GradSync> state;
};

}  // namespace

typedef GradSyncBox* ml_grad_sync;

// Hooks the gradient accumulators of the n parameters (in registration order) for overlapped all-reduce in buckets
// of about bucket_bytes (never mixing dtypes; a larger parameter is a bucket of its own).
ML_API ml_grad_sync ml_grad_sync_new(ml_process_group h, const ml_tensor* params, int64_t n, int64_t bucket_bytes) {
  ML_GUARD(nullptr, {
    TORCH_CHECK(bucket_bytes > 0, "bucket size must be positive");
    auto s = std::make_shared<GradSync>();
    s->h = h;
    for (int64_t i = 0; i < n; ++i) {
      TORCH_CHECK(params[i]->requires_grad() && params[i]->is_leaf(), "parameter ", i, " is not a leaf that requires grad");
      s->params.push_back(*params[i]);
    }
    // Buckets over the reversed registration order.
    int64_t filled = 0;
    s->bucket_of.assign(s->params.size(), 0);
    for (size_t k = s->params.size(); k-- > 0;) {
      auto& p = s->params[k];
      auto bytes = static_cast<int64_t>(p.numel() * p.element_size());
      bool fresh = s->buckets.empty() || filled + bytes > bucket_bytes ||
                   s->params[s->buckets.back().front()].scalar_type() != p.scalar_type();
      if (fresh) { s->buckets.emplace_back(); filled = 0; }
      s->buckets.back().push_back(k);
      s->bucket_of[k] = s->buckets.size() - 1;
      filled += bytes;
    }
    s->ready.assign(s->params.size(), 0);
    s->flat.resize(s->buckets.size());
    s->works.resize(s->buckets.size());
    std::weak_ptr<GradSync> weak = s;
    for (size_t i = 0; i < s->params.size(); ++i) {
      auto acc = torch::autograd::impl::grad_accumulator(s->params[i]);
      TORCH_CHECK(acc, "parameter ", i, " has no gradient accumulator");
      acc->add_post_hook(std::make_unique<torch::autograd::utils::LambdaPostHook>(
          [weak, i](const torch::autograd::variable_list& outputs, const torch::autograd::variable_list&) {
            if (auto state = weak.lock()) state->mark_ready(i);
            return outputs;
          }));
      s->accumulators.push_back(std::move(acc));
    }
    return new GradSyncBox{std::move(s)};
  });
}

// Arms the hooks for the next backward; scale is this rank's weight (n_local / n_global).
ML_API void ml_grad_sync_prepare(ml_grad_sync g, double scale) {
  ML_VOID({
    auto& s = *g->state;
    std::lock_guard<std::mutex> lock(s.mutex);
    TORCH_CHECK(!s.armed, "gradient sync prepared twice without finish");
    std::fill(s.ready.begin(), s.ready.end(), 0);
    s.pending.clear();
    for (auto& b : s.buckets) s.pending.push_back(b.size());
    for (auto& w : s.works) w.reset();
    s.next = 0;
    s.scale = scale;
    s.armed = true;
  });
}

// After backward: launches the buckets not launched yet, waits for all, copies the sums into the gradients.
ML_API void ml_grad_sync_finish(ml_grad_sync g) {
  ML_VOID({
    auto& s = *g->state;
    std::lock_guard<std::mutex> lock(s.mutex);
    TORCH_CHECK(s.armed, "gradient sync finished without prepare");
    s.armed = false;
    while (s.next < s.buckets.size()) s.launch(s.next++);
    at::NoGradGuard no_grad;
    for (size_t b = 0; b < s.buckets.size(); ++b) {
      medlearn::wait_work(s.works[b], *s.h, "gradient all-reduce");
      s.works[b].reset();
      int64_t offset = 0;
      for (auto i : s.buckets[b]) {
        auto grad = s.grad_or_zeros(i);
        auto n = grad.numel();
        grad.copy_(s.flat[b].narrow(0, offset, n).view(grad.sizes()));
        offset += n;
      }
      s.flat[b] = at::Tensor();
    }
  });
}

// Number of buckets (for tests and the benchmark's log).
ML_API int64_t ml_grad_sync_buckets(ml_grad_sync g) { ML_GUARD(-1, return static_cast<int64_t>(g->state->buckets.size());); }

// Unhooks (the hooks hold only a weak reference; the accumulators are released with the state).
ML_API void ml_grad_sync_free(ml_grad_sync g) { delete g; }
