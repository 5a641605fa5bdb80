using MedLearn.Torch.Interop;

namespace MedLearn.Torch;

// Arithmetic and linear algebra over several tensors.
public static partial class Torch
{
    /// <summary>Element-wise <paramref name="self"/>^exponent for a scalar base (torch.pow(scalar, tensor)).</summary>
    public static Tensor Pow(double self, Tensor exponent) => Tensor.Wrap(Native.ml_rpow_scalar(exponent.Handle, self));

    /// <summary>
    /// Einstein summation (torch.einsum), e.g. "ij,jk->ik" for a matrix product, "bij->bji" for a batched transpose,
    /// "ii->" for a trace; indices missing from the output are summed over.
    /// </summary>
    public static unsafe Tensor Einsum(string equation, params Tensor[] tensors)
    {
        var handles = Tensor.RawHandles(tensors);
        IntPtr r;
        fixed (IntPtr* p = handles) r = Native.ml_einsum(equation, p, handles.Length);
        GC.KeepAlive(tensors);
        return Tensor.Wrap(r);
    }
}
