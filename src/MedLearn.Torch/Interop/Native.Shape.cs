using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/ops_shape.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_view(TensorHandle t, long* shape, long n);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_reshape(TensorHandle t, long* shape, long n);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_permute(TensorHandle t, long* dims, long n);
    [LibraryImport(Lib)] internal static partial IntPtr ml_transpose(TensorHandle t, long dim0, long dim1);
    [LibraryImport(Lib)] internal static partial IntPtr ml_movedim(TensorHandle t, long source, long destination);
    [LibraryImport(Lib)] internal static partial IntPtr ml_squeeze(TensorHandle t);
    [LibraryImport(Lib)] internal static partial IntPtr ml_squeeze_dim(TensorHandle t, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr ml_unsqueeze(TensorHandle t, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr ml_flatten(TensorHandle t, long startDim, long endDim);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_unflatten(TensorHandle t, long dim, long* sizes, long n);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_expand(TensorHandle t, long* sizes, long n);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_as_strided(TensorHandle t, long* sizes, long* strides, long n, long storageOffset);
    [LibraryImport(Lib)] internal static partial IntPtr ml_expand_as(TensorHandle t, TensorHandle other);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_repeat(TensorHandle t, long* repeats, long n);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_flip(TensorHandle t, long* dims, long n);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_roll(TensorHandle t, long* shifts, long nShifts, long* dims, long nDims);
    [LibraryImport(Lib)] internal static partial IntPtr ml_narrow(TensorHandle t, long dim, long start, long length);
    [LibraryImport(Lib)] internal static partial IntPtr ml_select(TensorHandle t, long dim, long index);
    [LibraryImport(Lib)] internal static partial IntPtr ml_slice(TensorHandle t, long dim, long start, long end, long step);
    [LibraryImport(Lib)] internal static partial IntPtr ml_split(TensorHandle t, long splitSize, long dim, out long count);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_split_sizes(TensorHandle t, long* sizes, long n, long dim, out long count);
    [LibraryImport(Lib)] internal static partial IntPtr ml_chunk(TensorHandle t, long chunks, long dim, out long count);
    [LibraryImport(Lib)] internal static partial IntPtr ml_unbind(TensorHandle t, long dim, out long count);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_cat(IntPtr* list, long n, long dim);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_stack(IntPtr* list, long n, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr ml_where(TensorHandle cond, TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_where_scalar_other(TensorHandle cond, TensorHandle a, double b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_where_scalar_self(TensorHandle cond, double a, TensorHandle b);
}
