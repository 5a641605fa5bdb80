using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/nn_sampling.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_interpolate(TensorHandle x, int mode, long* size, long nSize, double* scale, long nScale, int alignCorners);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_affine_grid(TensorHandle theta, long* size, long n, int alignCorners);
    [LibraryImport(Lib)] internal static partial IntPtr ml_grid_sample(TensorHandle x, TensorHandle grid, int mode, int paddingMode, int alignCorners);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static unsafe partial IntPtr ml_pad(TensorHandle x, long* pad, long n, string mode, double value);
    [LibraryImport(Lib)] internal static partial IntPtr ml_pixel_shuffle(TensorHandle x, long r);
    [LibraryImport(Lib)] internal static partial IntPtr ml_pixel_unshuffle(TensorHandle x, long r);
    [LibraryImport(Lib)] internal static partial IntPtr ml_nn_flatten(TensorHandle x, long startDim, long endDim);
}
