using MedLearn.Torch.Interop;

namespace MedLearn.Torch;

// Shape and view ops: reshaping, permuting, squeezing, expanding, slicing and splitting.
// Views share storage with this tensor: writing into one changes the other.
public sealed partial class Tensor
{
    /// <summary>Raw handles of a tensor list (null entries stay null); keep the list alive across the call.</summary>
    internal static IntPtr[] RawHandles(IReadOnlyList<Tensor?> list)
    {
        var handles = new IntPtr[list.Count];
        for (var i = 0; i < handles.Length; i++) handles[i] = list[i]?.RawHandle ?? IntPtr.Zero;
        return handles;
    }

    /// <summary>A view with the given shape (one entry may be -1, inferred); the strides must allow it, else use <see cref="Reshape"/>.</summary>
    public unsafe Tensor View(params long[] shape)
    {
        fixed (long* s = shape) return Wrap(Native.ml_view(Handle, s, shape.Length));
    }

    /// <summary>The same elements with the given shape (one entry may be -1): a view when possible, else a copy.</summary>
    public unsafe Tensor Reshape(params long[] shape)
    {
        fixed (long* s = shape) return Wrap(Native.ml_reshape(Handle, s, shape.Length));
    }

    /// <summary>A view with the dimensions reordered: result dim i is this tensor's dim <c>dims[i]</c>.</summary>
    public unsafe Tensor Permute(params long[] dims)
    {
        fixed (long* d = dims) return Wrap(Native.ml_permute(Handle, d, dims.Length));
    }

    /// <summary>A view with dimensions <paramref name="dim0"/> and <paramref name="dim1"/> swapped.</summary>
    public Tensor Transpose(long dim0, long dim1) => Wrap(Native.ml_transpose(Handle, dim0, dim1));

    /// <summary>A view with dimension <paramref name="source"/> moved to position <paramref name="destination"/>.</summary>
    public Tensor Movedim(long source, long destination) => Wrap(Native.ml_movedim(Handle, source, destination));

    /// <summary>A view without any size-1 dimensions (a one-element tensor becomes 0-dimensional).</summary>
    public Tensor Squeeze() => Wrap(Native.ml_squeeze(Handle));

    /// <summary>A view without dimension <paramref name="dim"/> if its size is 1; otherwise the same shape.</summary>
    public Tensor Squeeze(long dim) => Wrap(Native.ml_squeeze_dim(Handle, dim));

    /// <summary>A view with a new size-1 dimension inserted at <paramref name="dim"/> (in [-Dim-1, Dim]).</summary>
    public Tensor Unsqueeze(long dim) => Wrap(Native.ml_unsqueeze(Handle, dim));

    /// <summary>Dimensions <paramref name="startDim"/>..<paramref name="endDim"/> (inclusive) merged into one; a 0-d tensor becomes 1-d.</summary>
    public Tensor Flatten(long startDim = 0, long endDim = -1) => Wrap(Native.ml_flatten(Handle, startDim, endDim));

    /// <summary>Dimension <paramref name="dim"/> split into <paramref name="sizes"/> (product must equal its size; one entry may be -1).</summary>
    public unsafe Tensor Unflatten(long dim, params long[] sizes)
    {
        fixed (long* s = sizes) return Wrap(Native.ml_unflatten(Handle, dim, s, sizes.Length));
    }

    /// <summary>A broadcast view of size-1 dimensions to <paramref name="sizes"/> (-1 keeps a size); no copy, stride 0.</summary>
    public unsafe Tensor Expand(params long[] sizes)
    {
        fixed (long* s = sizes) return Wrap(Native.ml_expand(Handle, s, sizes.Length));
    }

    /// <summary><see cref="Expand"/> to the shape of <paramref name="other"/>.</summary>
    public Tensor ExpandAs(Tensor other) => Wrap(Native.ml_expand_as(Handle, other.Handle));

    /// <summary>A copy tiled <c>repeats[i]</c> times along each dimension (extra leading repeats add dimensions).</summary>
    public unsafe Tensor Repeat(params long[] repeats)
    {
        fixed (long* r = repeats) return Wrap(Native.ml_repeat(Handle, r, repeats.Length));
    }

    /// <summary>A copy with the order of elements reversed along each of <paramref name="dims"/>.</summary>
    public unsafe Tensor Flip(params long[] dims)
    {
        fixed (long* d = dims) return Wrap(Native.ml_flip(Handle, d, dims.Length));
    }

    /// <summary>Elements shifted circularly by <paramref name="shift"/> along <paramref name="dim"/>: out[(i + shift) mod n] = x[i].</summary>
    public Tensor Roll(long shift, long dim) => Roll([shift], [dim]);

    /// <summary>Circular shift of the flattened tensor, reshaped back to this shape.</summary>
    public unsafe Tensor Roll(long shift)
    {
        long s = shift;
        return Wrap(Native.ml_roll(Handle, &s, 1, null, 0));
    }

    /// <summary>Circular shifts by <c>shifts[i]</c> along <c>dims[i]</c>.</summary>
    public unsafe Tensor Roll(long[] shifts, long[] dims)
    {
        fixed (long* s = shifts)
        fixed (long* d = dims)
            return Wrap(Native.ml_roll(Handle, s, shifts.Length, d, dims.Length));
    }

    // --- slicing -----------------------------------------------------------------------------------------

    /// <summary>A view of <paramref name="length"/> elements of <paramref name="dim"/> starting at <paramref name="start"/> (must fit).</summary>
    public Tensor Narrow(long dim, long start, long length) => Wrap(Native.ml_narrow(Handle, dim, start, length));

    /// <summary>A view of index <paramref name="index"/> (negative counts from the end) of <paramref name="dim"/>, which is removed.</summary>
    public Tensor Select(long dim, long index) => Wrap(Native.ml_select(Handle, dim, index));

    /// <summary>
    /// Python's <c>t[..., start:end:step]</c> on <paramref name="dim"/>: a view. Null bounds mean the whole range;
    /// negative bounds count from the end and out-of-range bounds are clamped (an empty result is allowed).
    /// <paramref name="step"/> must be positive.
    /// </summary>
    public Tensor Slice(long dim, long? start = null, long? end = null, long step = 1) =>
        Wrap(Native.ml_slice(Handle, dim, start ?? 0, end ?? long.MaxValue, step));

    // --- splitting -----------------------------------------------------------------------------------------

    /// <summary>Views of <paramref name="splitSize"/> elements along <paramref name="dim"/>; the last one may be smaller.</summary>
    public Tensor[] Split(long splitSize, long dim = 0) => WrapArray(Native.ml_split(Handle, splitSize, dim, out var n), n);

    /// <summary>Views of the given sizes along <paramref name="dim"/> (they must sum to its size).</summary>
    public unsafe Tensor[] Split(long[] sizes, long dim = 0)
    {
        long n;
        IntPtr r;
        fixed (long* s = sizes) r = Native.ml_split_sizes(Handle, s, sizes.Length, dim, out n);
        return WrapArray(r, n);
    }

    /// <summary>At most <paramref name="chunks"/> views of ceil(size/chunks) elements along <paramref name="dim"/> (fewer if they run out).</summary>
    public Tensor[] Chunk(long chunks, long dim = 0) => WrapArray(Native.ml_chunk(Handle, chunks, dim, out var n), n);

    /// <summary>The slices along <paramref name="dim"/>, each without that dimension.</summary>
    public Tensor[] Unbind(long dim = 0) => WrapArray(Native.ml_unbind(Handle, dim, out var n), n);
}
