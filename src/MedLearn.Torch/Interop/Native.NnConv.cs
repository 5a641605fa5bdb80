using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/nn_conv.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_conv1d(TensorHandle x, TensorHandle w, IntPtr b, long* stride, long nStride, long* padding, long nPadding, long* dilation, long nDilation, long groups);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_mkldnn_convolution(TensorHandle x, TensorHandle w, IntPtr b, long* padding, long nPadding, long* stride, long nStride, long* dilation, long nDilation, long groups);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_conv2d(TensorHandle x, TensorHandle w, IntPtr b, long* stride, long nStride, long* padding, long nPadding, long* dilation, long nDilation, long groups);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_conv3d(TensorHandle x, TensorHandle w, IntPtr b, long* stride, long nStride, long* padding, long nPadding, long* dilation, long nDilation, long groups);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static unsafe partial IntPtr ml_conv1d_padding_mode(TensorHandle x, TensorHandle w, IntPtr b, long* stride, long nStride, string padding, long* dilation, long nDilation, long groups);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static unsafe partial IntPtr ml_conv2d_padding_mode(TensorHandle x, TensorHandle w, IntPtr b, long* stride, long nStride, string padding, long* dilation, long nDilation, long groups);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static unsafe partial IntPtr ml_conv3d_padding_mode(TensorHandle x, TensorHandle w, IntPtr b, long* stride, long nStride, string padding, long* dilation, long nDilation, long groups);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_conv_transpose1d(TensorHandle x, TensorHandle w, IntPtr b, long* stride, long nStride, long* padding, long nPadding, long* outputPadding, long nOutputPadding, long groups, long* dilation, long nDilation);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_conv_transpose2d(TensorHandle x, TensorHandle w, IntPtr b, long* stride, long nStride, long* padding, long nPadding, long* outputPadding, long nOutputPadding, long groups, long* dilation, long nDilation);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_conv_transpose3d(TensorHandle x, TensorHandle w, IntPtr b, long* stride, long nStride, long* padding, long nPadding, long* outputPadding, long nOutputPadding, long groups, long* dilation, long nDilation);
    [LibraryImport(Lib)] internal static partial IntPtr ml_linear(TensorHandle x, TensorHandle w, IntPtr b);
}
