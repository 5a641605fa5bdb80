using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/ops_compare.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static partial IntPtr ml_eq(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_eq_scalar(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr ml_ne(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_ne_scalar(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr ml_lt(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_lt_scalar(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr ml_le(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_le_scalar(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr ml_gt(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_gt_scalar(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr ml_ge(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_ge_scalar(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr ml_logical_and(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_logical_or(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_logical_xor(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_logical_not(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ml_all(TensorHandle t);
    [LibraryImport(Lib)] internal static partial IntPtr ml_any(TensorHandle t);
    [LibraryImport(Lib)] internal static partial IntPtr ml_all_dim(TensorHandle t, long dim, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr ml_any_dim(TensorHandle t, long dim, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr ml_isclose(TensorHandle a, TensorHandle b, double rtol, double atol, int equalNan);
    [LibraryImport(Lib)] internal static partial int ml_allclose(TensorHandle a, TensorHandle b, double rtol, double atol, int equalNan);
    [LibraryImport(Lib)] internal static partial int ml_equal(TensorHandle a, TensorHandle b);
}
