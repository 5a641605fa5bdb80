using MedLearn.Torch.Interop;

namespace MedLearn.Torch;

// Indexing: index_select, gather/scatter, masks and advanced (tensor) indexing.
// Index tensors are int64; masks are bool. Out-of-range indices raise TorchArgumentException.
public sealed partial class Tensor
{
    /// <summary>The entries of <paramref name="index"/> (1-D int64) along <paramref name="dim"/>, copied: out.Size(dim) = index.NumEl.</summary>
    public Tensor IndexSelect(long dim, Tensor index) => Wrap(Native.ml_index_select(Handle, dim, index.Handle));

    /// <summary>
    /// Gathers along <paramref name="dim"/>: for dim 1 of a 2-D tensor, out[i][j] = this[i][index[i][j]]. The result has
    /// <paramref name="index"/>'s shape (index.Size(d) &lt;= Size(d) for d != dim).
    /// </summary>
    public Tensor Gather(long dim, Tensor index) => Wrap(Native.ml_gather(Handle, dim, index.Handle));

    /// <summary>
    /// A copy with src written at <paramref name="index"/> along <paramref name="dim"/> (for dim 1: out[i][index[i][j]] = src[i][j]).
    /// When an index repeats, which value wins is unspecified.
    /// </summary>
    public Tensor Scatter(long dim, Tensor index, Tensor src) => Wrap(Native.ml_scatter(Handle, dim, index.Handle, src.Handle));

    /// <summary>A copy with <paramref name="value"/> written at <paramref name="index"/> along <paramref name="dim"/>.</summary>
    public Tensor Scatter(long dim, Tensor index, double value) => Wrap(Native.ml_scatter_scalar(Handle, dim, index.Handle, value));

    /// <summary>In-place <see cref="Scatter(long, Tensor, Tensor)"/>.</summary>
    public Tensor Scatter_(long dim, Tensor index, Tensor src)
    {
        Native.ml_scatter_(Handle, dim, index.Handle, src.Handle);
        Native.Check();
        return this;
    }

    /// <summary>In-place <see cref="Scatter(long, Tensor, double)"/>.</summary>
    public Tensor Scatter_(long dim, Tensor index, double value)
    {
        Native.ml_scatter_scalar_(Handle, dim, index.Handle, value);
        Native.Check();
        return this;
    }

    /// <summary>A copy with src added at <paramref name="index"/> along <paramref name="dim"/>; repeated indices accumulate.</summary>
    public Tensor ScatterAdd(long dim, Tensor index, Tensor src) => Wrap(Native.ml_scatter_add(Handle, dim, index.Handle, src.Handle));

    /// <summary>In-place <see cref="ScatterAdd"/>.</summary>
    public Tensor ScatterAdd_(long dim, Tensor index, Tensor src)
    {
        Native.ml_scatter_add_(Handle, dim, index.Handle, src.Handle);
        Native.Check();
        return this;
    }

    /// <summary>A copy with <paramref name="value"/> where the bool <paramref name="mask"/> (broadcast to this shape) is true.</summary>
    public Tensor MaskedFill(Tensor mask, double value) => Wrap(Native.ml_masked_fill(Handle, mask.Handle, value));

    /// <summary>In-place <see cref="MaskedFill"/>.</summary>
    public Tensor MaskedFill_(Tensor mask, double value)
    {
        Native.ml_masked_fill_(Handle, mask.Handle, value);
        Native.Check();
        return this;
    }

    /// <summary>1-D copy of the elements where the bool <paramref name="mask"/> (broadcast) is true, in row-major order; empty if none.</summary>
    public Tensor MaskedSelect(Tensor mask) => Wrap(Native.ml_masked_select(Handle, mask.Handle));

    /// <summary>
    /// Python's <c>t[index]</c> with one tensor: an int64 index selects rows along dim 0 (negative counts from the end;
    /// the result has shape index.Shape + Shape[1..]); a bool mask of this shape (or its leading dims) selects
    /// elements like <see cref="MaskedSelect"/>. Always a copy.
    /// </summary>
    public unsafe Tensor Index(Tensor index)
    {
        var h = index.RawHandle;
        var r = Native.ml_index(Handle, &h, 1);
        GC.KeepAlive(index);
        return Wrap(r);
    }

    /// <summary>Python's <c>t[i0, i1, ...]</c> with tensor indices; a null entry stands for a full slice <c>:</c>.</summary>
    public unsafe Tensor Index(params Tensor?[] indices)
    {
        var handles = RawHandles(indices);
        IntPtr r;
        fixed (IntPtr* p = handles) r = Native.ml_index(Handle, p, handles.Length);
        GC.KeepAlive(indices);
        return Wrap(r);
    }

    /// <summary>
    /// Python's <c>t[index] = values</c> in place (<c>t[index] += values</c> with <paramref name="accumulate"/>, which also
    /// sums repeated indices); <paramref name="index"/> is an int64 index along dim 0 or a bool mask.
    /// </summary>
    public Tensor IndexPut_(Tensor index, Tensor values, bool accumulate = false) => IndexPut_([index], values, accumulate);

    /// <summary>Python's <c>t[index] = value</c> in place with a scalar (e.g. <c>t[mask] = 0</c>).</summary>
    public unsafe Tensor IndexPut_(Tensor index, double value)
    {
        var h = index.RawHandle;
        Native.ml_index_put_scalar_(Handle, &h, 1, value);
        GC.KeepAlive(index);
        Native.Check();
        return this;
    }

    /// <summary>Python's <c>t[i0, i1, ...] = values</c> in place; null entries stand for <c>:</c>.</summary>
    public unsafe Tensor IndexPut_(Tensor?[] indices, Tensor values, bool accumulate = false)
    {
        var handles = RawHandles(indices);
        fixed (IntPtr* p = handles) Native.ml_index_put_(Handle, p, handles.Length, values.Handle, accumulate ? 1 : 0);
        GC.KeepAlive(indices);
        Native.Check();
        return this;
    }

    /// <summary>Indices of the non-zero elements as an int64 tensor of shape [count, Dim] (row-major order).</summary>
    public Tensor Nonzero() => Wrap(Native.ml_nonzero(Handle));

    /// <summary>
    /// One-hot encoding of an int64 tensor of class indices: shape Shape + [numClasses], int64. With -1 the class
    /// count is max + 1. Negative or too large indices raise an error.
    /// </summary>
    public Tensor OneHot(long numClasses = -1) => Wrap(Native.ml_one_hot(Handle, numClasses));
}
