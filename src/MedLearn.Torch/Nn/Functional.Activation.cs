using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Nn;

/// <summary>The tanh approximation option of <see cref="Functional.Gelu"/>.</summary>
public enum GeluApproximation
{
    /// <summary>Exact: x·Φ(x) with the normal CDF Φ.</summary>
    None,
    /// <summary>0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    Tanh,
}

public static partial class Functional
{
    private static Tensor InPlace(Tensor x, Action<TensorHandle> op)
    {
        op(x.Handle);
        Native.Check();
        return x;
    }

    /// <summary>max(x, 0) element-wise; NaN stays NaN.</summary>
    public static Tensor Relu(Tensor input) => Tensor.Wrap(Native.ml_nn_relu(input.Handle));

    /// <summary>In-place <see cref="Relu"/>; returns <paramref name="input"/>. Not allowed on a leaf that requires grad.</summary>
    public static Tensor Relu_(Tensor input) => InPlace(input, Native.ml_nn_relu_);

    /// <summary>min(max(x, 0), 6) element-wise.</summary>
    public static Tensor Relu6(Tensor input) => Tensor.Wrap(Native.ml_nn_hardtanh(input.Handle, 0, 6));

    /// <summary>Clamps to [<paramref name="minVal"/>, <paramref name="maxVal"/>] (gradient 0 outside).</summary>
    public static Tensor Hardtanh(Tensor input, double minVal = -1, double maxVal = 1) => Tensor.Wrap(Native.ml_nn_hardtanh(input.Handle, minVal, maxVal));

    /// <summary>x for x ≥ 0, negativeSlope·x otherwise.</summary>
    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01) => Tensor.Wrap(Native.ml_nn_leaky_relu(input.Handle, negativeSlope));

    /// <summary>In-place <see cref="LeakyRelu"/>; returns <paramref name="input"/>.</summary>
    public static Tensor LeakyRelu_(Tensor input, double negativeSlope = 0.01) => InPlace(input, h => Native.ml_nn_leaky_relu_(h, negativeSlope));

    /// <summary>Gaussian error linear unit x·Φ(x) (exact, or the tanh approximation).</summary>
    public static Tensor Gelu(Tensor input, GeluApproximation approximate = GeluApproximation.None) =>
        Tensor.Wrap(Native.ml_nn_gelu(input.Handle, approximate == GeluApproximation.Tanh ? "tanh" : "none"));

    /// <summary>x for x &gt; 0, α·(eˣ − 1) otherwise.</summary>
    public static Tensor Elu(Tensor input, double alpha = 1.0) => Tensor.Wrap(Native.ml_nn_elu(input.Handle, alpha));

    /// <summary>In-place <see cref="Elu"/>; returns <paramref name="input"/>.</summary>
    public static Tensor Elu_(Tensor input, double alpha = 1.0) => InPlace(input, h => Native.ml_nn_elu_(h, alpha));

    /// <summary>x·σ(x) (swish).</summary>
    public static Tensor Silu(Tensor input) => Tensor.Wrap(Native.ml_nn_silu(input.Handle));

    /// <summary>In-place <see cref="Silu"/>; returns <paramref name="input"/>.</summary>
    public static Tensor Silu_(Tensor input) => InPlace(input, Native.ml_nn_silu_);

    /// <summary>σ(x) = 1/(1 + e⁻ˣ), saturating to exactly 0 or 1 for large |x|.</summary>
    public static Tensor Sigmoid(Tensor input) => Tensor.Wrap(Native.ml_nn_sigmoid(input.Handle));

    /// <summary>Hyperbolic tangent.</summary>
    public static Tensor Tanh(Tensor input) => Tensor.Wrap(Native.ml_nn_tanh(input.Handle));

    /// <summary>
    /// exp(xᵢ − max) / Σⱼ exp(xⱼ − max) along <paramref name="dim"/> (numerically stable). With
    /// <paramref name="dtype"/> the input is cast first. A row of −∞ gives NaN; an empty dim gives an empty result.
    /// </summary>
    public static Tensor Softmax(Tensor input, long dim, DType? dtype = null) =>
        Tensor.Wrap(Native.ml_nn_softmax(input.Handle, dim, dtype is null ? -1 : (int)dtype.Value));

    /// <summary>xᵢ − max − log Σⱼ exp(xⱼ − max) along <paramref name="dim"/> (more accurate than log(softmax)).</summary>
    public static Tensor LogSoftmax(Tensor input, long dim, DType? dtype = null) =>
        Tensor.Wrap(Native.ml_nn_log_softmax(input.Handle, dim, dtype is null ? -1 : (int)dtype.Value));

    private static void CheckP(double p)
    {
        if (p < 0 || p > 1 || double.IsNaN(p))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"dropout probability has to be between 0 and 1, but got {p}");
    }

    /// <summary>
    /// In training, zeroes each element with probability <paramref name="p"/> and scales the rest by 1/(1−p)
    /// (mask drawn from the default generator, the same stream as PyTorch's F.dropout); p = 1 gives zeros.
    /// Not training (or p = 0): the input itself is returned unchanged (a new handle to it).
    /// </summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
    {
        CheckP(p);
        return inplace ? InPlace(input, h => Native.ml_nn_dropout_(h, p, training ? 1 : 0))
                       : Tensor.Wrap(Native.ml_nn_dropout(input.Handle, p, training ? 1 : 0));
    }

    private static Tensor FeatureDropout(Tensor input, double p, bool training, bool inplace)
    {
        CheckP(p);
        return inplace ? InPlace(input, h => Native.ml_nn_feature_dropout_(h, p, training ? 1 : 0))
                       : Tensor.Wrap(Native.ml_nn_feature_dropout(input.Handle, p, training ? 1 : 0));
    }

    /// <summary>
    /// Channel dropout for (N, C, H, W): in training each whole channel (n, c) is zeroed with probability
    /// <paramref name="p"/>, the others scaled by 1/(1−p). Identity when not training.
    /// </summary>
    public static Tensor Dropout2d(Tensor input, double p = 0.5, bool training = true, bool inplace = false) =>
        FeatureDropout(input, p, training, inplace);

    /// <summary>Channel dropout for (N, C, D, H, W); see <see cref="Dropout2d"/>.</summary>
    public static Tensor Dropout3d(Tensor input, double p = 0.5, bool training = true, bool inplace = false) =>
        FeatureDropout(input, p, training, inplace);

    /// <summary>
    /// Flattens dims <paramref name="startDim"/>..<paramref name="endDim"/> (inclusive, negative from the end)
    /// into one; a view when possible. A 0-d input becomes 1-d.
    /// </summary>
    public static Tensor Flatten(Tensor input, long startDim = 0, long endDim = -1) =>
        Tensor.Wrap(Native.ml_nn_flatten(input.Handle, startDim, endDim));
}
