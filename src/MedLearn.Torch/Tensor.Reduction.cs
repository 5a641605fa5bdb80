using MedLearn.Torch.Interop;

namespace MedLearn.Torch;

// Reductions: sums, means, products, extrema, sorting, statistics and norms. Dims may be negative. A null
// dims list reduces over all dimensions. Reducing an empty tensor gives the operation's identity (sum 0,
// prod 1) or NaN (mean, std, var); max/min/argmax of an empty tensor raise TorchArgumentException.
public sealed partial class Tensor
{
    private static int DTypeCode(DType? dtype) => dtype is { } d ? (int)d : -1;

    private static (Tensor Values, Tensor Indices) WrapPair(IntPtr values, IntPtr indices)
    {
        Native.Check();
        return (Wrap(values), Wrap(indices));
    }

    /// <summary>Sum over <paramref name="dim"/>; <paramref name="keepdim"/> keeps it with size 1.</summary>
    public Tensor Sum(long dim, bool keepdim = false, DType? dtype = null) => Sum([dim], keepdim, dtype);

    /// <summary>
    /// Sum over the given dims (all if null), accumulated and returned in <paramref name="dtype"/> if given (integer and
    /// bool inputs otherwise sum to int64). The sum of no elements is 0. Sum over all in float64: <c>Sum(dtype: DType.Float64)</c>.
    /// </summary>
    public unsafe Tensor Sum(long[]? dims = null, bool keepdim = false, DType? dtype = null)
    {
        fixed (long* d = dims) return Wrap(Native.ml_sum_dims(Handle, d, dims?.Length ?? -1, keepdim ? 1 : 0, DTypeCode(dtype)));
    }

    /// <summary>Mean over <paramref name="dim"/> (floating-point input or <paramref name="dtype"/>); empty slices give NaN.</summary>
    public Tensor Mean(long dim, bool keepdim = false, DType? dtype = null) => Mean([dim], keepdim, dtype);

    /// <summary>Mean over the given dims (all if null); empty slices give NaN.</summary>
    public unsafe Tensor Mean(long[]? dims = null, bool keepdim = false, DType? dtype = null)
    {
        fixed (long* d = dims) return Wrap(Native.ml_mean_dims(Handle, d, dims?.Length ?? -1, keepdim ? 1 : 0, DTypeCode(dtype)));
    }

    /// <summary>Product over <paramref name="dim"/>, or of all elements if null (1 for an empty tensor).</summary>
    public Tensor Prod(long? dim = null, bool keepdim = false, DType? dtype = null) => dim is { } d
        ? Wrap(Native.ml_prod_dim(Handle, d, keepdim ? 1 : 0, DTypeCode(dtype)))
        : Wrap(Native.ml_prod(Handle, DTypeCode(dtype)));

    /// <summary>Cumulative sum along <paramref name="dim"/>: out[i] = x[0] + ... + x[i].</summary>
    public Tensor CumSum(long dim, DType? dtype = null) => Wrap(Native.ml_cumsum(Handle, dim, DTypeCode(dtype)));

    /// <summary>Cumulative product along <paramref name="dim"/>: out[i] = x[0] * ... * x[i].</summary>
    public Tensor CumProd(long dim, DType? dtype = null) => Wrap(Native.ml_cumprod(Handle, dim, DTypeCode(dtype)));

    /// <summary>Largest element as a 0-d tensor; NaN if any element is NaN; an empty tensor raises.</summary>
    public Tensor Max() => Wrap(Native.ml_max(Handle));

    /// <summary>Smallest element as a 0-d tensor; NaN if any element is NaN; an empty tensor raises.</summary>
    public Tensor Min() => Wrap(Native.ml_min(Handle));

    /// <summary>Largest values along <paramref name="dim"/> and their indices (int64; the first occurrence on ties).</summary>
    public (Tensor Values, Tensor Indices) Max(long dim, bool keepdim = false)
    {
        Native.ml_max_dim(Handle, dim, keepdim ? 1 : 0, out var v, out var i);
        return WrapPair(v, i);
    }

    /// <summary>Smallest values along <paramref name="dim"/> and their indices (int64; the first occurrence on ties).</summary>
    public (Tensor Values, Tensor Indices) Min(long dim, bool keepdim = false)
    {
        Native.ml_min_dim(Handle, dim, keepdim ? 1 : 0, out var v, out var i);
        return WrapPair(v, i);
    }

    /// <summary>Largest values over several dims (no indices; the gradient is shared evenly among ties).</summary>
    public unsafe Tensor Amax(long[] dims, bool keepdim = false)
    {
        fixed (long* d = dims) return Wrap(Native.ml_amax(Handle, d, dims.Length, keepdim ? 1 : 0));
    }

    /// <summary>Smallest values over several dims (no indices; the gradient is shared evenly among ties).</summary>
    public unsafe Tensor Amin(long[] dims, bool keepdim = false)
    {
        fixed (long* d = dims) return Wrap(Native.ml_amin(Handle, d, dims.Length, keepdim ? 1 : 0));
    }

    /// <summary>Index of the largest element (of the flattened tensor if <paramref name="dim"/> is null), first on ties; NaN counts as largest.</summary>
    public Tensor Argmax(long? dim = null, bool keepdim = false) =>
        Wrap(Native.ml_argmax(Handle, dim.HasValue ? 1 : 0, dim ?? 0, keepdim ? 1 : 0));

    /// <summary>Index of the smallest element (of the flattened tensor if <paramref name="dim"/> is null), first on ties; NaN counts as smallest.</summary>
    public Tensor Argmin(long? dim = null, bool keepdim = false) =>
        Wrap(Native.ml_argmin(Handle, dim.HasValue ? 1 : 0, dim ?? 0, keepdim ? 1 : 0));

    /// <summary>
    /// The <paramref name="k"/> largest (or smallest) elements along <paramref name="dim"/> and their indices, in
    /// descending (ascending) order when <paramref name="sorted"/>. k must not exceed the dim size.
    /// </summary>
    public (Tensor Values, Tensor Indices) TopK(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        Native.ml_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out var v, out var i);
        return WrapPair(v, i);
    }

    /// <summary>
    /// Sorted values along <paramref name="dim"/> and the permutation that sorts (int64). NaN sorts as largest.
    /// With <paramref name="stable"/>, equal elements keep their original order.
    /// </summary>
    public (Tensor Values, Tensor Indices) Sort(long dim = -1, bool descending = false, bool stable = false)
    {
        Native.ml_sort(Handle, dim, descending ? 1 : 0, stable ? 1 : 0, out var v, out var i);
        return WrapPair(v, i);
    }

    /// <summary>The indices that sort this tensor along <paramref name="dim"/> (see <see cref="Sort"/>).</summary>
    public Tensor Argsort(long dim = -1, bool descending = false, bool stable = false) =>
        Wrap(Native.ml_argsort(Handle, dim, descending ? 1 : 0, stable ? 1 : 0));

    /// <summary>Median of all elements; for an even count the lower of the two middle values (not their mean). NaN if any is NaN.</summary>
    public Tensor Median() => Wrap(Native.ml_median(Handle));

    /// <summary>
    /// Quantiles <paramref name="q"/> (values in [0, 1]) of all elements, torch.quantile's "linear" rule: position
    /// q·(n − 1) of the sorted values, interpolated between neighbours. With <paramref name="ignoreNaN"/>
    /// (torch.nanquantile) NaNs are dropped first and an all-NaN input gives NaN; otherwise any NaN gives NaN.
    /// </summary>
    public Tensor Quantile(Tensor q, bool ignoreNaN = false) => Wrap(Native.ml_quantile(Handle, q.Handle, ignoreNaN ? 1 : 0));

    /// <summary>Lower median along <paramref name="dim"/> and its index.</summary>
    public (Tensor Values, Tensor Indices) Median(long dim, bool keepdim = false)
    {
        Native.ml_median_dim(Handle, dim, keepdim ? 1 : 0, out var v, out var i);
        return WrapPair(v, i);
    }

    /// <summary>Standard deviation of all elements, sqrt(sum (x - mean)^2 / (N - 1)) (or / N when not <paramref name="unbiased"/>).</summary>
    public Tensor Std(bool unbiased) => Std(null, unbiased ? 1 : 0);

    /// <summary>
    /// Standard deviation sqrt(sum (x - mean)^2 / (N - correction)) over <paramref name="dims"/> (all if null).
    /// N &lt;= correction gives NaN (or inf).
    /// </summary>
    public unsafe Tensor Std(long[]? dims = null, long correction = 1, bool keepdim = false)
    {
        fixed (long* d = dims) return Wrap(Native.ml_std(Handle, d, dims?.Length ?? -1, correction, keepdim ? 1 : 0));
    }

    /// <summary>Standard deviation over one dim (see <see cref="Std(long[], long, bool)"/>).</summary>
    public Tensor Std(long dim, long correction = 1, bool keepdim = false) => Std([dim], correction, keepdim);

    /// <summary>Variance of all elements, sum (x - mean)^2 / (N - 1) (or / N when not <paramref name="unbiased"/>).</summary>
    public Tensor Var(bool unbiased) => Var(null, unbiased ? 1 : 0);

    /// <summary>Variance sum (x - mean)^2 / (N - correction) over <paramref name="dims"/> (all if null); N &lt;= correction gives NaN (or inf).</summary>
    public unsafe Tensor Var(long[]? dims = null, long correction = 1, bool keepdim = false)
    {
        fixed (long* d = dims) return Wrap(Native.ml_var(Handle, d, dims?.Length ?? -1, correction, keepdim ? 1 : 0));
    }

    /// <summary>Variance over one dim (see <see cref="Var(long[], long, bool)"/>).</summary>
    public Tensor Var(long dim, long correction = 1, bool keepdim = false) => Var([dim], correction, keepdim);

    /// <summary>
    /// Vector p-norm (sum |x|^p)^(1/p) over <paramref name="dims"/> (all if null); p = +inf gives max |x|, -inf min |x|,
    /// 0 the count of non-zeros. The norm of an empty tensor is 0.
    /// </summary>
    public unsafe Tensor Norm(double p = 2, long[]? dims = null, bool keepdim = false)
    {
        fixed (long* d = dims) return Wrap(Native.ml_norm(Handle, p, d, dims?.Length ?? -1, keepdim ? 1 : 0));
    }

    /// <summary>Vector p-norm over one dim (see <see cref="Norm(double, long[], bool)"/>).</summary>
    public Tensor Norm(double p, long dim, bool keepdim = false) => Norm(p, [dim], keepdim);

    /// <summary>log(sum exp(x)) over <paramref name="dims"/> (all if null), computed stably; an empty slice gives -inf.</summary>
    public unsafe Tensor LogSumExp(long[]? dims = null, bool keepdim = false)
    {
        fixed (long* d = dims) return Wrap(Native.ml_logsumexp(Handle, d, dims?.Length ?? -1, keepdim ? 1 : 0));
    }

    /// <summary>log(sum exp(x)) over one dim.</summary>
    public Tensor LogSumExp(long dim, bool keepdim = false) => LogSumExp([dim], keepdim);
}
