using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Nn;

public static partial class Functional
{
    /// <summary>
    /// Scaled dot-product attention <c>softmax(scale · q·kᵀ + bias)·v</c> over the last two dimensions (leading
    /// dimensions broadcast): q [.., Lq, d], k [.., Lk, d], v [.., Lk, dv] → [.., Lq, dv]. <paramref name="bias"/>
    /// (broadcastable to the [.., Lq, Lk] scores) carries relative-position biases and attention masks; null = none.
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor q, Tensor k, Tensor v, double scale, Tensor? bias = null)
    {
        var r = Native.ml_zoo_attention(q.Handle, k.Handle, v.Handle, Opt(bias), scale);
        GC.KeepAlive(bias);
        return Tensor.Wrap(r);
    }
}
