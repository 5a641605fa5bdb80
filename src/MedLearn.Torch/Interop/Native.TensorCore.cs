using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/tensor_core.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static partial void ml_tensor_free(IntPtr t);
    [LibraryImport(Lib)] internal static partial void ml_free_handle_array(IntPtr handles);
    [LibraryImport(Lib)] internal static partial IntPtr ml_tensor_alias(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int ml_tensor_defined(TensorHandle t);
    [LibraryImport(Lib)] internal static partial long ml_tensor_dim(TensorHandle t);
    [LibraryImport(Lib)] internal static partial long ml_tensor_numel(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int ml_tensor_dtype(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int ml_tensor_device_type(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int ml_tensor_device_index(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int ml_tensor_is_contiguous(TensorHandle t, int memoryFormat);
    [LibraryImport(Lib)] internal static unsafe partial void ml_tensor_sizes(TensorHandle t, long* output);
    [LibraryImport(Lib)] internal static unsafe partial void ml_tensor_strides(TensorHandle t, long* output);
    [LibraryImport(Lib)] internal static partial long ml_tensor_storage_offset(TensorHandle t);
    [LibraryImport(Lib)] internal static partial IntPtr ml_tensor_to_string(TensorHandle t);

    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_tensor_from_data(void* data, int dtype, long* shape, long ndim, int requiresGrad);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_tensor_from_storage(void* data, long nbytes, int dtype, long* shape, long* strides, long ndim, long storageOffset);
    [LibraryImport(Lib)] internal static unsafe partial void ml_tensor_copy_to(TensorHandle t, void* output, long nbytes);
    [LibraryImport(Lib)] internal static partial double ml_tensor_item_double(TensorHandle t);
    [LibraryImport(Lib)] internal static partial long ml_tensor_item_long(TensorHandle t);

    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_empty(long* shape, long ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_zeros(long* shape, long ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_ones(long* shape, long ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_full(long* shape, long ndim, double value, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial IntPtr ml_eye(long n, long m, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial IntPtr ml_arange(double start, double end, double step, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial IntPtr ml_linspace(double start, double end, long steps, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_rand(long* shape, long ndim, IntPtr generator, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_randn(long* shape, long ndim, IntPtr generator, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_randint(long low, long high, long* shape, long ndim, IntPtr generator, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial IntPtr ml_randperm(long n, IntPtr generator, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial IntPtr ml_empty_like(TensorHandle t);
    [LibraryImport(Lib)] internal static partial IntPtr ml_zeros_like(TensorHandle t);
    [LibraryImport(Lib)] internal static partial IntPtr ml_ones_like(TensorHandle t);
    [LibraryImport(Lib)] internal static partial IntPtr ml_full_like(TensorHandle t, double value);
    [LibraryImport(Lib)] internal static partial IntPtr ml_rand_like(TensorHandle t);
    [LibraryImport(Lib)] internal static partial IntPtr ml_randn_like(TensorHandle t);
    [LibraryImport(Lib)] internal static partial void ml_uniform_(TensorHandle t, double from, double to, IntPtr generator);
    [LibraryImport(Lib)] internal static partial void ml_normal_(TensorHandle t, double mean, double std, IntPtr generator);
    [LibraryImport(Lib)] internal static partial void ml_bernoulli_(TensorHandle t, double p, IntPtr generator);

    [LibraryImport(Lib)] internal static partial IntPtr ml_to(TensorHandle t, int dtype, int deviceType, int deviceIndex, int copy);
    [LibraryImport(Lib)] internal static partial IntPtr ml_contiguous(TensorHandle t, int memoryFormat);
    [LibraryImport(Lib)] internal static partial IntPtr ml_clone(TensorHandle t);
    [LibraryImport(Lib)] internal static partial void ml_copy_(TensorHandle dst, TensorHandle src);
    [LibraryImport(Lib)] internal static partial void ml_set_data(TensorHandle t, TensorHandle src);

    [LibraryImport(Lib)] internal static partial int ml_requires_grad(TensorHandle t);
    [LibraryImport(Lib)] internal static partial void ml_set_requires_grad(TensorHandle t, int value);
    [LibraryImport(Lib)] internal static partial int ml_is_leaf(TensorHandle t);
    [LibraryImport(Lib)] internal static partial void ml_retain_grad(TensorHandle t);
    [LibraryImport(Lib)] internal static partial IntPtr ml_grad(TensorHandle t);
    [LibraryImport(Lib)] internal static partial void ml_set_grad(TensorHandle t, IntPtr grad);
    [LibraryImport(Lib)] internal static partial void ml_backward(TensorHandle t, IntPtr grad, int retainGraph, int createGraph);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_autograd_grad(IntPtr* outputs, long nOut, IntPtr* inputs, long nIn, IntPtr* gradOutputs, int retainGraph, int createGraph, out long count);
    [LibraryImport(Lib)] internal static partial IntPtr ml_detach(TensorHandle t);
    [LibraryImport(Lib)] internal static partial void ml_detach_(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int ml_grad_enabled();
    [LibraryImport(Lib)] internal static partial void ml_set_grad_enabled(int enabled);
    [LibraryImport(Lib)] internal static partial IntPtr ml_inference_mode_enter(int enabled);
    [LibraryImport(Lib)] internal static partial void ml_inference_mode_exit(IntPtr guard);
    [LibraryImport(Lib)] internal static partial int ml_is_inference_mode();
    [LibraryImport(Lib)] internal static partial int ml_is_inference(TensorHandle t);

    [LibraryImport(Lib)] internal static partial void ml_manual_seed(ulong seed);
    [LibraryImport(Lib)] internal static partial IntPtr ml_generator_new(ulong seed);
    [LibraryImport(Lib)] internal static partial void ml_generator_free(IntPtr g);
    [LibraryImport(Lib)] internal static partial IntPtr ml_generator_default();
    [LibraryImport(Lib)] internal static partial void ml_generator_set_seed(IntPtr g, ulong seed);
    [LibraryImport(Lib)] internal static partial ulong ml_generator_initial_seed(IntPtr g);
    [LibraryImport(Lib)] internal static partial IntPtr ml_generator_get_state(IntPtr g);
    [LibraryImport(Lib)] internal static partial void ml_generator_set_state(IntPtr g, TensorHandle state);
}
