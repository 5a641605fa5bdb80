using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Nn;

/// <summary>Which elements <see cref="Functional.StochasticDepth"/> drops together.</summary>
public enum StochasticDepthMode
{
    /// <summary>One draw per sample (torchvision's "row"): a dropped sample's residual branch is zero.</summary>
    Row,
    /// <summary>One draw for the whole batch (torchvision's "batch").</summary>
    Batch,
}

public static partial class Functional
{
    /// <summary>
    /// torchvision.ops.stochastic_depth: in training with p &gt; 0, <c>input · m / (1 − p)</c> with m ~ Bernoulli(1 − p)
    /// drawn per sample (<see cref="StochasticDepthMode.Row"/>) or once (<see cref="StochasticDepthMode.Batch"/>) from
    /// the default generator in torchvision's order (a seeded run reproduces PyTorch's mask); otherwise the input
    /// unchanged. p = 1 drops everything (m = 0, no division).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> outside [0, 1].</exception>
    public static Tensor StochasticDepth(Tensor input, double p, StochasticDepthMode mode, bool training)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, $"drop probability has to be between 0 and 1, but got {p}");
        return Tensor.Wrap(Native.ml_zoo_stochastic_depth(input.Handle, p, mode == StochasticDepthMode.Row ? 1 : 0, training ? 1 : 0));
    }

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
