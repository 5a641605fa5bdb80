using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Nn;

public static partial class Functional
{
    /// <summary>Hard swish x·relu6(x + 3)/6 (MobileNetV3): 0 for x ≤ −3, x for x ≥ 3.</summary>
    public static Tensor Hardswish(Tensor input) => Tensor.Wrap(Native.ml_nn_hardswish(input.Handle));

    /// <summary>In-place <see cref="Hardswish"/>; returns <paramref name="input"/>.</summary>
    public static Tensor Hardswish_(Tensor input) => InPlace(input, Native.ml_nn_hardswish_);

    /// <summary>Hard sigmoid relu6(x + 3)/6: 0 for x ≤ −3, 1 for x ≥ 3, linear in between.</summary>
    public static Tensor Hardsigmoid(Tensor input) => Tensor.Wrap(Native.ml_nn_hardsigmoid(input.Handle));

    /// <summary>In-place <see cref="Hardsigmoid"/>; returns <paramref name="input"/>.</summary>
    public static Tensor Hardsigmoid_(Tensor input) => InPlace(input, Native.ml_nn_hardsigmoid_);

    /// <summary>
    /// torchvision.ops.stochastic_depth in "row" mode: in training each sample (index along dim 0) of a residual
    /// branch is zeroed with probability <paramref name="p"/> and the kept ones are scaled by 1/(1 − p); the mask is
    /// drawn from the default generator like torchvision's (an [N, 1, ...] tensor, <c>bernoulli_(1 − p)</c>).
    /// Not training, or p = 0: the input itself (a new handle). p = 1 gives zeros.
    /// </summary>
    public static Tensor StochasticDepth(Tensor input, double p, bool training)
    {
        CheckP(p);
        return Tensor.Wrap(Native.ml_nn_stochastic_depth(input.Handle, p, training ? 1 : 0));
    }
}
