// Distributed collectives over libtorch's c10d: a TCPStore rendezvous and a Gloo (CPU) or, when the shim is
// built against a CUDA libtorch with MEDLEARN_WITH_NCCL, an NCCL process group.
//
// This translation unit alone is compiled with -DUSE_C10D_GLOO (ProcessGroupGloo.hpp is empty without it);
// Debian's libtorch 1.13 ships ProcessGroupGloo in libtorch_cpu and the gloo headers come from libgloo-dev.
//
// The store layout is the one Python's torch.distributed.init_process_group("gloo", "env://") uses, so a
// MedLearn rank and a PyTorch rank can join the same group: the process group lives under the prefix
// "default_pg/0/" of the TCP store, and after it is built every rank checks in on
// "default_pg/store_based_barrier_key:1" (Python's store-based barrier). MedLearn ranks additionally register
// "medlearn/rank/<r>" = "<world size>" so a rank that never joins, or joins with another world size, is named.
#include "distributed.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef MEDLEARN_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <chrono>
#include <sstream>
#include <thread>


namespace {
using medlearn::ProcessGroupHandle;

// An exception's message without libtorch's C++ backtrace.
std::string message_of(const std::exception& e) {
  if (auto* c = dynamic_cast<const c10::Error*>(&e)) return c->what_without_backtrace();
  return e.what();
}

std::string rank_key(int r) { return "medlearn/rank/" + std::to_string(r); }

// What each expected rank registered, for a timeout or mismatch message.
std::string describe_ranks(c10d::Store& store, int world, int self) {
  std::ostringstream missing;
  int count = 0;
  for (int r = 0; r < world; ++r) {
    if (r == self) continue;
    if (!store.check({rank_key(r)})) {
      missing << (count++ ? ", " : "") << r;
    }
  }
  if (count == 0) return "every MedLearn rank registered with the store";
  return std::string(count == 1 ? "rank " : "ranks ") + missing.str() +
         (count == 1 ? " never joined" : " never joined") +
         " (a rank that is not MedLearn, e.g. a Python torch.distributed peer, does not register)";
}

// Throws when a registered rank was started with another world size than ours.
void check_world_sizes(c10d::Store& store, int world, int self) {
  for (int r = 0; r < world; ++r) {
    if (r == self || !store.check({rank_key(r)})) continue;
    auto v = store.get(rank_key(r));
    std::string theirs(v.begin(), v.end());
    if (theirs != std::to_string(world))
      throw std::runtime_error("world size mismatch: rank " + std::to_string(r) + " was started with WORLD_SIZE=" + theirs +
                               ", rank " + std::to_string(self) + " with WORLD_SIZE=" + std::to_string(world));
  }
}

}  // namespace

namespace medlearn {
void wait_work(const c10::intrusive_ptr<c10d::Work>& work, const ProcessGroupHandle& h, const char* what) {
  try {
    if (!work->wait(h.timeout))
      throw std::runtime_error("timed out");
  } catch (const std::exception& e) {
    std::ostringstream msg;
    msg << what << " failed on rank " << h.rank << " of " << h.world << " (" << h.backend << ", timeout "
        << h.timeout.count() / 1000.0 << " s): " << message_of(e)
        << " — a peer process probably exited, crashed or stopped answering";
    throw std::runtime_error(msg.str());
  }
}

}  // namespace medlearn

using namespace medlearn;

// Backends compiled into this shim, comma-separated ("gloo" or "gloo,nccl").
#ifdef MEDLEARN_WITH_NCCL
#define ML_DIST_BACKENDS "gloo,nccl"
#else
#define ML_DIST_BACKENDS "gloo"
#endif
ML_API const char* ml_dist_backends() { ML_GUARD("", return ML_DIST_BACKENDS;); }

// Joins the group: rank 0 (unless agent_store) hosts the TCP store on master_addr:master_port; every rank
// connects, registers, builds the backend's process group and passes Python's store-based barrier.
ML_API ml_process_group ml_dist_init(const char* backend, const char* master_addr, int32_t master_port, int32_t rank,
                                     int32_t world_size, int64_t timeout_ms, int32_t agent_store) {
  ML_GUARD(nullptr, {
    TORCH_CHECK(world_size >= 1, "WORLD_SIZE must be >= 1, got ", world_size);
    TORCH_CHECK(rank >= 0 && rank < world_size, "RANK ", rank, " is outside 0..", world_size - 1, " (WORLD_SIZE=", world_size, ")");
    TORCH_CHECK(master_port > 0 && master_port < 65536, "MASTER_PORT must be in 1..65535, got ", master_port);
    TORCH_CHECK(timeout_ms > 0, "the timeout must be positive, got ", timeout_ms, " ms");
    std::string name(backend);
    auto timeout = std::chrono::milliseconds(timeout_ms);
    auto h = std::make_unique<ProcessGroupHandle>();
    h->rank = rank;
    h->world = world_size;
    h->timeout = timeout;
    h->backend = name;

    c10d::TCPStoreOptions opts;
    opts.port = static_cast<std::uint16_t>(master_port);
    opts.isServer = rank == 0 && !agent_store;
    opts.numWorkers = static_cast<std::size_t>(world_size);
    // A client with waitWorkers checks in on the store's init key (a Python rank 0 hosting the store waits for that
    // count in its constructor, up to the timeout); our own server does not block there: we wait ourselves below,
    // so a missing rank can be named.
    opts.waitWorkers = !opts.isServer;
    opts.timeout = timeout;
    opts.multiTenant = true;
    try {
      h->store = c10::make_intrusive<c10d::TCPStore>(std::string(master_addr), opts);
    } catch (const std::exception& e) {
      std::ostringstream msg;
      if (opts.isServer)
        msg << "rank 0 could not host the rendezvous store on " << master_addr << ":" << master_port
            << " (is the port in use? choose another MASTER_PORT): " << message_of(e);
      else
        msg << "rank " << rank << " could not reach the rendezvous store at " << master_addr << ":" << master_port
            << " within " << timeout_ms / 1000.0 << " s (is rank 0 running, MASTER_ADDR/MASTER_PORT right, the port open?): " << message_of(e);
      throw std::runtime_error(msg.str());
    }
    // A second process claiming the same rank is an error of the launch, not a hang.
    auto claims = h->store->add(rank_key(rank) + "/claims", 1);
    if (claims > 1)
      throw std::runtime_error("RANK " + std::to_string(rank) + " was started twice (two processes claim it)");
    auto ws = std::to_string(world_size);
    h->store->set(rank_key(rank), std::vector<uint8_t>(ws.begin(), ws.end()));
    // Ranks registered before us (rank 0 registers as soon as it hosts the store): disagreeing now beats a timeout.
    check_world_sizes(*h->store, world_size, rank);

    auto base = c10::make_intrusive<c10d::PrefixStore>("default_pg", h->store);
    auto pgStore = c10::make_intrusive<c10d::PrefixStore>("0", base);
    try {
      if (name == "gloo") {
        auto options = c10d::ProcessGroupGloo::Options::create(timeout);
        const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
        if (ifname && *ifname)
          options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
        else
          options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
        options->threads = 2;
        h->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(pgStore, rank, world_size, options);
      } else if (name == "nccl") {
#ifdef MEDLEARN_WITH_NCCL
        auto options = c10d::ProcessGroupNCCL::Options::create();
        options->timeout = timeout;
        h->pg = c10::make_intrusive<c10d::ProcessGroupNCCL>(pgStore, rank, world_size, options);
#else
        throw std::runtime_error(
            "the nccl backend is not compiled into this MedLearn shim: rebuild it against a CUDA libtorch with "
            "-DMEDLEARN_WITH_NCCL=ON (dotnet build -p:LibTorchPath=/path/to/cuda/libtorch -p:MedLearnNccl=ON); "
            "on CPU use --backend gloo");
#endif
      } else {
        throw std::runtime_error("unknown distributed backend '" + name + "' (expected gloo or nccl)");
      }
    } catch (const std::exception& e) {
      check_world_sizes(*h->store, world_size, rank);  // a mismatch is the better explanation of a failed build
      throw std::runtime_error("rank " + std::to_string(rank) + " of " + std::to_string(world_size) +
                               ": building the " + name + " process group failed: " + message_of(e) + "; " +
                               describe_ranks(*h->store, world_size, rank));
    }
    check_world_sizes(*h->store, world_size, rank);

    // Python's store-based barrier (init_process_group does the same after building the default group).
    const std::string barrier = "store_based_barrier_key:1";
    base->add(barrier, 1);
    auto start = std::chrono::steady_clock::now();
    while (base->add(barrier, 0) < world_size) {
      if (std::chrono::steady_clock::now() - start > timeout)
        throw std::runtime_error("rank " + std::to_string(rank) + ": timed out after " + std::to_string(timeout_ms / 1000) +
                                 " s waiting for every rank to finish joining; " + describe_ranks(*h->store, world_size, rank));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    check_world_sizes(*h->store, world_size, rank);
    // As init_process_group: rank 0 publishes the group's sequence number in the store, the others read it.
    h->pg->setSequenceNumberForGroup();
    return h.release();
  });
}

ML_API void ml_dist_free(ml_process_group h) { delete h; }

ML_API int32_t ml_dist_rank(ml_process_group h) { ML_GUARD(-1, return h->rank;); }
ML_API int32_t ml_dist_world_size(ml_process_group h) { ML_GUARD(-1, return h->world;); }

// In-place all-reduce of each tensor; op: 0 sum, 1 average (sum then divide: Gloo has no AVG), 2 max, 3 min.
// The tensors are reduced as one coalesced call per tensor list (all must share dtype and device).
ML_API void ml_dist_all_reduce(ml_process_group h, const ml_tensor* list, int64_t n, int32_t op) {
  ML_VOID({
    TORCH_CHECK(op >= 0 && op <= 3, "unknown reduce op ", op);
    auto ts = tensors(list, n);
    for (auto& t : ts) TORCH_CHECK(t.is_contiguous(), "all-reduce needs contiguous tensors");
    c10d::AllreduceOptions o;
    o.reduceOp = op == 2 ? c10d::ReduceOp::MAX : op == 3 ? c10d::ReduceOp::MIN : c10d::ReduceOp::SUM;
    o.timeout = h->timeout;
    for (auto& t : ts) {
      std::vector<at::Tensor> one{t};
      wait_work(h->pg->allreduce(one, o), *h, "all-reduce");
      if (op == 1) {
        if (at::isFloatingType(t.scalar_type())) t.div_(h->world);
        else t.div_(h->world, "floor");
      }
    }
  });
}

// In-place broadcast of each tensor from root.
ML_API void ml_dist_broadcast(ml_process_group h, const ml_tensor* list, int64_t n, int32_t root) {
  ML_VOID({
    TORCH_CHECK(root >= 0 && root < h->world, "broadcast root ", root, " is outside 0..", h->world - 1);
    auto ts = tensors(list, n);
    c10d::BroadcastOptions o;
    o.rootRank = root;
    o.timeout = h->timeout;
    for (auto& t : ts) {
      TORCH_CHECK(t.is_contiguous(), "broadcast needs contiguous tensors");
      std::vector<at::Tensor> one{t};
      wait_work(h->pg->broadcast(one, o), *h, "broadcast");
    }
  });
}

// All-gather: returns world_size new tensors (rank order), each shaped like input.
ML_API ml_tensor* ml_dist_all_gather(ml_process_group h, ml_tensor input, int64_t* count) {
  ML_GUARD(nullptr, {
    auto in = input->contiguous();
    std::vector<std::vector<at::Tensor>> out(1);
    for (int r = 0; r < h->world; ++r) out[0].push_back(at::empty_like(in));
    std::vector<at::Tensor> ins{in};
    c10d::AllgatherOptions o;
    o.timeout = h->timeout;
    wait_work(h->pg->allgather(out, ins, o), *h, "all-gather");
    return wrap_list(out[0], count);
  });
}

ML_API void ml_dist_barrier(ml_process_group h) {
  ML_VOID({
    c10d::BarrierOptions o;
    o.timeout = h->timeout;
    wait_work(h->pg->barrier(o), *h, "barrier");
  });
}

namespace {

// Groups tensor indices into buckets of at most bucket_bytes (a tensor larger than that is a bucket of its own),
// never mixing dtypes, in the given order (the trainer passes parameters in registration order).
std::vector<std::vector<size_t>> make_buckets(const std::vector<at::Tensor>& ts, int64_t bucket_bytes) {
  std::vector<std::vector<size_t>> buckets;
  int64_t filled = 0;
  for (size_t i = 0; i < ts.size(); ++i) {
    auto bytes = static_cast<int64_t>(ts[i].numel() * ts[i].element_size());
    bool fresh = buckets.empty() || filled + bytes > bucket_bytes ||
                 ts[buckets.back().front()].scalar_type() != ts[i].scalar_type();
    if (fresh) { buckets.emplace_back(); filled = 0; }
    buckets.back().push_back(i);
    filled += bytes;
  }
  return buckets;
}

at::Tensor flatten(const std::vector<at::Tensor>& ts, const std::vector<size_t>& idx) {
  std::vector<at::Tensor> flat;
  flat.reserve(idx.size());
  for (auto i : idx) flat.push_back(ts[i].reshape({-1}));
  return at::cat(flat);
}

void unflatten_into(const at::Tensor& flat, const std::vector<at::Tensor>& ts, const std::vector<size_t>& idx) {
  int64_t offset = 0;
  for (auto i : idx) {
    auto n = ts[i].numel();
    ts[i].copy_(flat.narrow(0, offset, n).view(ts[i].sizes()));
    offset += n;
  }
}

}  // namespace

// Gradient synchronisation after backward (DDP's bucketed all-reduce): the gradients of the n parameters are
// packed into buckets of about bucket_bytes, multiplied by this rank's weight scale (1/world for the average of
// equal local batches, n_local/n_global for unequal ones), summed over the ranks and copied back. A parameter without a
// gradient on this rank contributes zeros (and receives the others' sum), so every rank runs the same collectives.
ML_API void ml_dist_all_reduce_grads(ml_process_group h, const ml_tensor* params, int64_t n, int64_t bucket_bytes, double scale) {
  ML_VOID({
    TORCH_CHECK(bucket_bytes > 0, "bucket size must be positive");
    std::vector<at::Tensor> grads;
    grads.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      auto& p = *params[i];
      if (!p.grad().defined()) p.mutable_grad() = at::zeros_like(p);
      grads.push_back(p.grad());
    }
    c10d::AllreduceOptions o;
    o.reduceOp = c10d::ReduceOp::SUM;
    o.timeout = h->timeout;
    for (auto& bucket : make_buckets(grads, bucket_bytes)) {
      std::vector<at::Tensor> one{flatten(grads, bucket)};
      // Each rank weights its own gradient before the sum: sum_r scale_r * g_r.
      if (scale != 1.0) one[0].mul_(scale);
      wait_work(h->pg->allreduce(one, o), *h, "gradient all-reduce");
      unflatten_into(one[0], grads, bucket);
    }
  });
}

// Broadcast of many tensors (parameters, buffers) from root in buckets of about bucket_bytes, copied in place.
ML_API void ml_dist_broadcast_coalesced(ml_process_group h, const ml_tensor* list, int64_t n, int32_t root, int64_t bucket_bytes) {
  ML_VOID({
    TORCH_CHECK(root >= 0 && root < h->world, "broadcast root ", root, " is outside 0..", h->world - 1);
    TORCH_CHECK(bucket_bytes > 0, "bucket size must be positive");
    at::NoGradGuard no_grad;
    auto ts = tensors(list, n);
    c10d::BroadcastOptions o;
    o.rootRank = root;
    o.timeout = h->timeout;
    for (auto& bucket : make_buckets(ts, bucket_bytes)) {
      std::vector<at::Tensor> one{flatten(ts, bucket)};
      wait_work(h->pg->broadcast(one, o), *h, "broadcast");
      if (h->rank != root) unflatten_into(one[0], ts, bucket);
    }
  });
}
