using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/nn_pool.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_max_pool1d(TensorHandle x, long* kernel, long nKernel, long* stride, long nStride, long* padding, long nPadding, long* dilation, long nDilation, int ceilMode);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_max_pool2d(TensorHandle x, long* kernel, long nKernel, long* stride, long nStride, long* padding, long nPadding, long* dilation, long nDilation, int ceilMode);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_max_pool3d(TensorHandle x, long* kernel, long nKernel, long* stride, long nStride, long* padding, long nPadding, long* dilation, long nDilation, int ceilMode);
    [LibraryImport(Lib)] internal static unsafe partial void ml_max_pool2d_with_indices(TensorHandle x, long* kernel, long nKernel, long* stride, long nStride, long* padding, long nPadding, long* dilation, long nDilation, int ceilMode, out IntPtr output, out IntPtr indices);
    [LibraryImport(Lib)] internal static unsafe partial void ml_max_pool3d_with_indices(TensorHandle x, long* kernel, long nKernel, long* stride, long nStride, long* padding, long nPadding, long* dilation, long nDilation, int ceilMode, out IntPtr output, out IntPtr indices);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_avg_pool1d(TensorHandle x, long* kernel, long nKernel, long* stride, long nStride, long* padding, long nPadding, int ceilMode, int countIncludePad);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_avg_pool2d(TensorHandle x, long* kernel, long nKernel, long* stride, long nStride, long* padding, long nPadding, int ceilMode, int countIncludePad, long divisorOverride);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_avg_pool3d(TensorHandle x, long* kernel, long nKernel, long* stride, long nStride, long* padding, long nPadding, int ceilMode, int countIncludePad, long divisorOverride);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_adaptive_avg_pool1d(TensorHandle x, long* size, long n);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_adaptive_avg_pool2d(TensorHandle x, long* size, long n);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_adaptive_avg_pool3d(TensorHandle x, long* size, long n);
    [LibraryImport(Lib)] internal static unsafe partial void ml_adaptive_max_pool1d(TensorHandle x, long* size, long n, out IntPtr output, out IntPtr indices);
    [LibraryImport(Lib)] internal static unsafe partial void ml_adaptive_max_pool2d(TensorHandle x, long* size, long n, out IntPtr output, out IntPtr indices);
    [LibraryImport(Lib)] internal static unsafe partial void ml_adaptive_max_pool3d(TensorHandle x, long* size, long n, out IntPtr output, out IntPtr indices);
}
