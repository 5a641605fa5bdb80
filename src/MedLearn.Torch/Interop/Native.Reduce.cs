using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/ops_reduce.cpp. Dimension lists: n < 0 means all dimensions; dtype < 0 means "keep".
internal static partial class Native
{
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_sum_dims(TensorHandle t, long* dims, long n, int keepdim, int dtype);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_mean_dims(TensorHandle t, long* dims, long n, int keepdim, int dtype);
    [LibraryImport(Lib)] internal static partial IntPtr ml_prod(TensorHandle t, int dtype);
    [LibraryImport(Lib)] internal static partial IntPtr ml_prod_dim(TensorHandle t, long dim, int keepdim, int dtype);
    [LibraryImport(Lib)] internal static partial IntPtr ml_cumsum(TensorHandle t, long dim, int dtype);
    [LibraryImport(Lib)] internal static partial IntPtr ml_cumprod(TensorHandle t, long dim, int dtype);
    [LibraryImport(Lib)] internal static partial IntPtr ml_max(TensorHandle t);
    [LibraryImport(Lib)] internal static partial IntPtr ml_min(TensorHandle t);
    [LibraryImport(Lib)] internal static partial void ml_max_dim(TensorHandle t, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static partial void ml_min_dim(TensorHandle t, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_amax(TensorHandle t, long* dims, long n, int keepdim);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_amin(TensorHandle t, long* dims, long n, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr ml_argmax(TensorHandle t, int hasDim, long dim, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr ml_argmin(TensorHandle t, int hasDim, long dim, int keepdim);
    [LibraryImport(Lib)] internal static partial void ml_topk(TensorHandle t, long k, long dim, int largest, int sorted, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static partial void ml_sort(TensorHandle t, long dim, int descending, int stable, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static partial IntPtr ml_argsort(TensorHandle t, long dim, int descending, int stable);
    [LibraryImport(Lib)] internal static partial IntPtr ml_median(TensorHandle t);
    [LibraryImport(Lib)] internal static partial IntPtr ml_quantile(TensorHandle t, TensorHandle q, int nanIgnore);
    [LibraryImport(Lib)] internal static partial void ml_median_dim(TensorHandle t, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_std(TensorHandle t, long* dims, long n, long correction, int keepdim);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_var(TensorHandle t, long* dims, long n, long correction, int keepdim);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_norm(TensorHandle t, double p, long* dims, long n, int keepdim);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_logsumexp(TensorHandle t, long* dims, long n, int keepdim);
}
