// Tensor handles, metadata, creation from/to host memory, devices, dtypes, autograd and RNG.
#include "common.h"

#include <ATen/core/grad_mode.h>
#include <c10/core/InferenceMode.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/variable.h>

#include <sstream>

using namespace medlearn;

namespace {

at::TensorOptions options(int32_t dtype, int32_t device_type, int32_t device_index) {
  return at::TensorOptions()
      .dtype(static_cast<at::ScalarType>(dtype))
      .device(at::Device(static_cast<at::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index)));
}

// ATen factories ignore TensorOptions::requires_grad (only torch:: factories honour it): set it afterwards.
at::Tensor leaf(at::Tensor t, int32_t requires_grad) {
  if (requires_grad) t.set_requires_grad(true);
  return t;
}

// Generators are heap-allocated at::Generator objects owned by C#.
typedef at::Generator* ml_generator;

c10::optional<at::Generator> gen(ml_generator g) {
  return g ? c10::optional<at::Generator>(*g) : c10::nullopt;
}

}  // namespace

// --- lifetime --------------------------------------------------------------------------------------

ML_API void ml_tensor_free(ml_tensor t) { delete t; }

ML_API void ml_free_handle_array(ml_tensor* handles) { std::free(handles); }

// A second handle to the same tensor (shares storage and autograd identity).
ML_API ml_tensor ml_tensor_alias(ml_tensor t) { ML_TENSOR(*t); }

ML_API int32_t ml_tensor_defined(ml_tensor t) { return t && t->defined() ? 1 : 0; }

// --- metadata ----------------------------------------------------------------------------------------

ML_API int64_t ml_tensor_dim(ml_tensor t) { ML_GUARD(-1, return t->dim();); }
ML_API int64_t ml_tensor_numel(ml_tensor t) { ML_GUARD(-1, return t->numel();); }
ML_API int32_t ml_tensor_dtype(ml_tensor t) { ML_GUARD(-1, return static_cast<int32_t>(t->scalar_type());); }
ML_API int32_t ml_tensor_device_type(ml_tensor t) { ML_GUARD(-1, return static_cast<int32_t>(t->device().type());); }
ML_API int32_t ml_tensor_device_index(ml_tensor t) { ML_GUARD(-1, return t->device().index();); }
ML_API int32_t ml_tensor_is_contiguous(ml_tensor t, int32_t memory_format) {
  ML_GUARD(0, return t->is_contiguous(static_cast<at::MemoryFormat>(memory_format)) ? 1 : 0;);
}

// Copies the sizes (or strides) into out, which must hold dim() values.
ML_API void ml_tensor_sizes(ml_tensor t, int64_t* out) {
  ML_VOID(auto s = t->sizes(); std::copy(s.begin(), s.end(), out));
}
ML_API void ml_tensor_strides(ml_tensor t, int64_t* out) {
  ML_VOID(auto s = t->strides(); std::copy(s.begin(), s.end(), out));
}
ML_API int64_t ml_tensor_storage_offset(ml_tensor t) { ML_GUARD(-1, return t->storage_offset();); }

// Human-readable rendering (libtorch's printer); the string is owned by the shim until the next call.
ML_API const char* ml_tensor_to_string(ml_tensor t) {
  ML_GUARD(nullptr, {
    thread_local std::string text;
    std::ostringstream os;
    os << *t;
    text = os.str();
    return text.c_str();
  });
}

// --- host memory -------------------------------------------------------------------------------------

// New tensor holding a copy of nbytes of host data interpreted as dtype with the given shape.
ML_API ml_tensor ml_tensor_from_data(const void* data, int32_t dtype, const int64_t* shape, int64_t ndim,
                                     int32_t requires_grad) {
  ML_TENSOR([&] {
    auto t = at::empty(ints(shape, ndim), options(dtype, 0, -1));
    if (t.numel() > 0) std::memcpy(t.data_ptr(), data, t.nbytes());
    if (requires_grad) t.set_requires_grad(true);
    return t;
  }());
}

// New tensor from raw storage bytes plus a strided view (PyTorch file storages).
ML_API ml_tensor ml_tensor_from_storage(const void* data, int64_t nbytes, int32_t dtype, const int64_t* shape,
                                        const int64_t* strides, int64_t ndim, int64_t storage_offset) {
  ML_TENSOR([&] {
    auto elem = c10::elementSize(static_cast<at::ScalarType>(dtype));
    TORCH_CHECK(nbytes % static_cast<int64_t>(elem) == 0, "storage size ", nbytes,
                " bytes is not a multiple of the element size ", elem);
    auto storage = at::empty({nbytes / static_cast<int64_t>(elem)}, options(dtype, 0, -1));
    if (nbytes > 0) std::memcpy(storage.data_ptr(), data, static_cast<size_t>(nbytes));
    return storage.as_strided(ints(shape, ndim), ints(strides, ndim), storage_offset).clone(at::MemoryFormat::Preserve);
  }());
}

// Copies the tensor's elements (row-major, contiguous) into a host buffer of capacity nbytes.
ML_API void ml_tensor_copy_to(ml_tensor t, void* out, int64_t nbytes) {
  ML_VOID({
    auto c = t->detach().to(at::kCPU).contiguous();
    TORCH_CHECK(static_cast<int64_t>(c.nbytes()) <= nbytes, "destination buffer holds ", nbytes,
                " bytes but the tensor needs ", c.nbytes());
    if (c.numel() > 0) std::memcpy(out, c.data_ptr(), c.nbytes());
  });
}

ML_API double ml_tensor_item_double(ml_tensor t) { ML_GUARD(0.0, return t->item<double>();); }
ML_API int64_t ml_tensor_item_long(ml_tensor t) { ML_GUARD(0, return t->item<int64_t>();); }

// --- creation ----------------------------------------------------------------------------------------

#define ML_DEVICE_ARGS int32_t dtype, int32_t device_type, int32_t device_index, int32_t requires_grad
#define ML_OPTS options(dtype, device_type, device_index)

ML_API ml_tensor ml_empty(const int64_t* shape, int64_t ndim, ML_DEVICE_ARGS) { ML_TENSOR(leaf(at::empty(ints(shape, ndim), ML_OPTS), requires_grad)); }
ML_API ml_tensor ml_zeros(const int64_t* shape, int64_t ndim, ML_DEVICE_ARGS) { ML_TENSOR(leaf(at::zeros(ints(shape, ndim), ML_OPTS), requires_grad)); }
ML_API ml_tensor ml_ones(const int64_t* shape, int64_t ndim, ML_DEVICE_ARGS) { ML_TENSOR(leaf(at::ones(ints(shape, ndim), ML_OPTS), requires_grad)); }
ML_API ml_tensor ml_full(const int64_t* shape, int64_t ndim, double value, ML_DEVICE_ARGS) {
  ML_TENSOR(leaf(at::full(ints(shape, ndim), value, ML_OPTS), requires_grad));
}
ML_API ml_tensor ml_eye(int64_t n, int64_t m, ML_DEVICE_ARGS) { ML_TENSOR(leaf(at::eye(n, m, ML_OPTS), requires_grad)); }
ML_API ml_tensor ml_arange(double start, double end, double step, ML_DEVICE_ARGS) {
  ML_TENSOR(leaf(at::arange(start, end, step, ML_OPTS), requires_grad));
}
ML_API ml_tensor ml_linspace(double start, double end, int64_t steps, ML_DEVICE_ARGS) {
  ML_TENSOR(leaf(at::linspace(start, end, steps, ML_OPTS), requires_grad));
}
ML_API ml_tensor ml_rand(const int64_t* shape, int64_t ndim, ml_generator g, ML_DEVICE_ARGS) {
  ML_TENSOR(leaf(at::rand(ints(shape, ndim), gen(g), ML_OPTS), requires_grad));
}
ML_API ml_tensor ml_randn(const int64_t* shape, int64_t ndim, ml_generator g, ML_DEVICE_ARGS) {
  ML_TENSOR(leaf(at::randn(ints(shape, ndim), gen(g), ML_OPTS), requires_grad));
}
ML_API ml_tensor ml_randint(int64_t low, int64_t high, const int64_t* shape, int64_t ndim, ml_generator g, ML_DEVICE_ARGS) {
  ML_TENSOR(leaf(at::randint(low, high, ints(shape, ndim), gen(g), ML_OPTS), requires_grad));
}
ML_API ml_tensor ml_randperm(int64_t n, ml_generator g, ML_DEVICE_ARGS) { ML_TENSOR(leaf(at::randperm(n, gen(g), ML_OPTS), requires_grad)); }

ML_API ml_tensor ml_empty_like(ml_tensor t) { ML_TENSOR(at::empty_like(*t)); }
ML_API ml_tensor ml_zeros_like(ml_tensor t) { ML_TENSOR(at::zeros_like(*t)); }
ML_API ml_tensor ml_ones_like(ml_tensor t) { ML_TENSOR(at::ones_like(*t)); }
ML_API ml_tensor ml_full_like(ml_tensor t, double value) { ML_TENSOR(at::full_like(*t, value)); }
ML_API ml_tensor ml_rand_like(ml_tensor t) { ML_TENSOR(at::rand_like(*t)); }
ML_API ml_tensor ml_randn_like(ml_tensor t) { ML_TENSOR(at::randn_like(*t)); }

// In-place random fills (initialisers): uniform_, normal_ with an optional generator.
ML_API void ml_uniform_(ml_tensor t, double from, double to, ml_generator g) { ML_VOID(t->uniform_(from, to, gen(g))); }
ML_API void ml_normal_(ml_tensor t, double mean, double std, ml_generator g) { ML_VOID(t->normal_(mean, std, gen(g))); }
ML_API void ml_bernoulli_(ml_tensor t, double p, ml_generator g) { ML_VOID(t->bernoulli_(p, gen(g))); }

// --- conversion --------------------------------------------------------------------------------------

ML_API ml_tensor ml_to(ml_tensor t, int32_t dtype, int32_t device_type, int32_t device_index, int32_t copy) {
  ML_TENSOR(t->to(at::Device(static_cast<at::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index)),
                  static_cast<at::ScalarType>(dtype), /*non_blocking=*/false, copy != 0));
}
ML_API ml_tensor ml_contiguous(ml_tensor t, int32_t memory_format) {
  ML_TENSOR(t->contiguous(static_cast<at::MemoryFormat>(memory_format)));
}
ML_API ml_tensor ml_clone(ml_tensor t) { ML_TENSOR(t->clone()); }
ML_API void ml_copy_(ml_tensor dst, ml_tensor src) { ML_VOID(dst->copy_(*src)); }

// --- autograd ----------------------------------------------------------------------------------------

ML_API int32_t ml_requires_grad(ml_tensor t) { ML_GUARD(0, return t->requires_grad() ? 1 : 0;); }
ML_API void ml_set_requires_grad(ml_tensor t, int32_t value) { ML_VOID(t->set_requires_grad(value != 0)); }
ML_API int32_t ml_is_leaf(ml_tensor t) { ML_GUARD(0, return t->is_leaf() ? 1 : 0;); }
ML_API void ml_retain_grad(ml_tensor t) { ML_VOID(t->retain_grad()); }

// Returns the .grad tensor or null when it is undefined.
ML_API ml_tensor ml_grad(ml_tensor t) {
  ML_GUARD(nullptr, {
    const auto& g = t->grad();
    return g.defined() ? wrap(g) : nullptr;
  });
}
ML_API void ml_set_grad(ml_tensor t, ml_tensor grad) { ML_VOID(t->mutable_grad() = undefined_if_null(grad)); }

ML_API void ml_backward(ml_tensor t, ml_tensor grad, int32_t retain_graph, int32_t create_graph) {
  ML_VOID(t->backward(undefined_if_null(grad), retain_graph ? c10::optional<bool>(true) : c10::nullopt, create_graph != 0));
}

// torch.autograd.grad(outputs, inputs, grad_outputs): results in out (null where unused and allow_unused).
ML_API ml_tensor* ml_autograd_grad(const ml_tensor* outputs, int64_t n_out, const ml_tensor* inputs, int64_t n_in,
                                   const ml_tensor* grad_outputs, int32_t retain_graph, int32_t create_graph,
                                   int64_t* count) {
  ML_GUARD(nullptr, {
    std::vector<at::Tensor> gos;
    if (grad_outputs)
      for (int64_t i = 0; i < n_out; ++i) gos.push_back(undefined_if_null(grad_outputs[i]));
    auto res = torch::autograd::grad(tensors(outputs, n_out), tensors(inputs, n_in), gos,
                                     retain_graph ? c10::optional<bool>(true) : c10::nullopt, create_graph != 0,
                                     /*allow_unused=*/true);
    return wrap_list(res, count);
  });
}

ML_API ml_tensor ml_detach(ml_tensor t) { ML_TENSOR(t->detach()); }
ML_API void ml_detach_(ml_tensor t) { ML_VOID(t->detach_()); }

ML_API int32_t ml_grad_enabled() { return at::GradMode::is_enabled() ? 1 : 0; }
// Thread-local, like PyTorch: a no-grad scope must be closed on the thread that opened it.
ML_API void ml_set_grad_enabled(int32_t enabled) { ML_VOID(at::GradMode::set_enabled(enabled != 0)); }

// Inference mode is an RAII guard in libtorch; the C# scope owns the heap-allocated guard.
ML_API void* ml_inference_mode_enter(int32_t enabled) { ML_GUARD(nullptr, return new c10::InferenceMode(enabled != 0);); }
ML_API void ml_inference_mode_exit(void* guard) { ML_VOID(delete static_cast<c10::InferenceMode*>(guard)); }
ML_API int32_t ml_is_inference_mode() { return c10::InferenceMode::is_enabled() ? 1 : 0; }
ML_API int32_t ml_is_inference(ml_tensor t) { ML_GUARD(0, return t->is_inference() ? 1 : 0;); }

// --- random number generators ------------------------------------------------------------------------

ML_API void ml_manual_seed(uint64_t seed) { ML_VOID(at::manual_seed(seed)); }

ML_API ml_generator ml_generator_new(uint64_t seed) {
  ML_GUARD(nullptr, {
    auto g = at::make_generator<at::CPUGeneratorImpl>(seed);
    return new at::Generator(std::move(g));
  });
}
ML_API void ml_generator_free(ml_generator g) { delete g; }
// The process-wide default CPU generator (not owned by the caller).
ML_API ml_generator ml_generator_default() {
  ML_GUARD(nullptr, {
    static at::Generator* def = new at::Generator(at::detail::getDefaultCPUGenerator());
    return def;
  });
}
ML_API void ml_generator_set_seed(ml_generator g, uint64_t seed) {
  ML_VOID(std::lock_guard<std::mutex> lock(g->mutex()); g->set_current_seed(seed));
}
ML_API uint64_t ml_generator_initial_seed(ml_generator g) { ML_GUARD(0, return g->current_seed();); }
// Full state as a uint8 tensor (PyTorch's get_state format) and back.
ML_API ml_tensor ml_generator_get_state(ml_generator g) {
  ML_GUARD(nullptr, {
    std::lock_guard<std::mutex> lock(g->mutex());
    return wrap(g->get_state());
  });
}
ML_API void ml_generator_set_state(ml_generator g, ml_tensor state) {
  ML_VOID(std::lock_guard<std::mutex> lock(g->mutex()); g->set_state(*state));
}

// Replaces the data of t with src keeping t's identity (PyTorch's `param.data = ...`): module device,
// dtype and memory-format moves keep the parameter objects the optimiser holds.
ML_API void ml_set_data(ml_tensor t, ml_tensor src) { ML_VOID(t->set_data(*src)); }
