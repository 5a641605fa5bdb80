using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/ops_arith.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static partial IntPtr ml_add(TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Lib)] internal static partial IntPtr ml_add_scalar(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial void ml_add_(TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Lib)] internal static partial void ml_add_scalar_(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr ml_sub(TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Lib)] internal static partial IntPtr ml_sub_scalar(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr ml_rsub_scalar(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial void ml_sub_(TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Lib)] internal static partial void ml_sub_scalar_(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr ml_mul(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_mul_scalar(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial void ml_mul_(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial void ml_mul_scalar_(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr ml_div(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_div_scalar(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial void ml_div_(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial void ml_div_scalar_(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr ml_neg(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ml_matmul(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_sum(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ml_mean(TensorHandle a);
    [LibraryImport(Lib)] internal static partial IntPtr ml_pow(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_pow_scalar(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr ml_rpow_scalar(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial void ml_pow_(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial void ml_pow_scalar_(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr ml_remainder(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_remainder_scalar(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr ml_fmod(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_fmod_scalar(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr ml_floor_divide(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_floor_divide_scalar(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr ml_rdiv_scalar(TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr ml_mm(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_bmm(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_outer(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial IntPtr ml_dot(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static unsafe partial IntPtr ml_einsum(string equation, IntPtr* list, long n);
}
