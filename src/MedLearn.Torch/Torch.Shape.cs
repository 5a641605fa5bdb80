using MedLearn.Torch.Interop;

namespace MedLearn.Torch;

// Joining and element selection across tensors.
public static partial class Torch
{
    /// <summary>Concatenation along an existing dimension; all other sizes must match (dtypes are promoted).</summary>
    public static unsafe Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var handles = Tensor.RawHandles(tensors);
        IntPtr r;
        fixed (IntPtr* p = handles) r = Native.ml_cat(p, handles.Length, dim);
        GC.KeepAlive(tensors);
        return Tensor.Wrap(r);
    }

    /// <summary>Stacks same-shaped tensors along a new dimension <paramref name="dim"/>.</summary>
    public static unsafe Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var handles = Tensor.RawHandles(tensors);
        IntPtr r;
        fixed (IntPtr* p = handles) r = Native.ml_stack(p, handles.Length, dim);
        GC.KeepAlive(tensors);
        return Tensor.Wrap(r);
    }

    /// <summary>Element-wise <c>condition ? a : b</c> with broadcasting; <paramref name="condition"/> is a bool tensor.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => Tensor.Wrap(Native.ml_where(condition.Handle, a.Handle, b.Handle));

    /// <summary>Element-wise <c>condition ? a : b</c> with a scalar <paramref name="b"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor a, double b) => Tensor.Wrap(Native.ml_where_scalar_other(condition.Handle, a.Handle, b));

    /// <summary>Element-wise <c>condition ? a : b</c> with a scalar <paramref name="a"/>.</summary>
    public static Tensor Where(Tensor condition, double a, Tensor b) => Tensor.Wrap(Native.ml_where_scalar_self(condition.Handle, a, b.Handle));
}
