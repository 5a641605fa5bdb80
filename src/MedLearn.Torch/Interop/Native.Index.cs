using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/ops_index.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static partial IntPtr ml_index_select(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Lib)] internal static partial IntPtr ml_gather(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Lib)] internal static partial IntPtr ml_scatter(TensorHandle t, long dim, TensorHandle index, TensorHandle src);
    [LibraryImport(Lib)] internal static partial IntPtr ml_scatter_scalar(TensorHandle t, long dim, TensorHandle index, double value);
    [LibraryImport(Lib)] internal static partial void ml_scatter_(TensorHandle t, long dim, TensorHandle index, TensorHandle src);
    [LibraryImport(Lib)] internal static partial void ml_scatter_scalar_(TensorHandle t, long dim, TensorHandle index, double value);
    [LibraryImport(Lib)] internal static partial IntPtr ml_scatter_add(TensorHandle t, long dim, TensorHandle index, TensorHandle src);
    [LibraryImport(Lib)] internal static partial void ml_scatter_add_(TensorHandle t, long dim, TensorHandle index, TensorHandle src);
    [LibraryImport(Lib)] internal static partial IntPtr ml_masked_fill(TensorHandle t, TensorHandle mask, double value);
    [LibraryImport(Lib)] internal static partial void ml_masked_fill_(TensorHandle t, TensorHandle mask, double value);
    [LibraryImport(Lib)] internal static partial IntPtr ml_masked_select(TensorHandle t, TensorHandle mask);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_index(TensorHandle t, IntPtr* indices, long n);
    [LibraryImport(Lib)] internal static unsafe partial void ml_index_put_(TensorHandle t, IntPtr* indices, long n, TensorHandle values, int accumulate);
    [LibraryImport(Lib)] internal static unsafe partial void ml_index_put_scalar_(TensorHandle t, IntPtr* indices, long n, double value);
    [LibraryImport(Lib)] internal static partial IntPtr ml_nonzero(TensorHandle t);
    [LibraryImport(Lib)] internal static partial IntPtr ml_one_hot(TensorHandle t, long numClasses);
}
