using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Nn;

/// <summary>Which fan <see cref="Init.KaimingUniform_"/>/<see cref="Init.KaimingNormal_"/> preserve.</summary>
public enum FanMode
{
    /// <summary>Preserve the variance of the forward activations.</summary>
    FanIn,
    /// <summary>Preserve the variance of the backward gradients.</summary>
    FanOut,
}

/// <summary>Nonlinearities known to <see cref="Init.CalculateGain"/>.</summary>
public enum Nonlinearity
{
    Linear, Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, Sigmoid, Tanh, Relu, LeakyRelu, Selu,
}

/// <summary>
/// Parameter initialisers, after <c>torch.nn.init</c> (1.13): the same formulas in the same double
/// arithmetic, drawing from the same libtorch generator (the default one unless <c>generator</c> is given),
/// so after <see cref="Torch.ManualSeed"/> they reproduce PyTorch's values bit for bit. All run under no-grad
/// and return the tensor. Tensors with a zero-size dimension are left unchanged (PyTorch warns).
/// </summary>
public static class Init
{
    /// <summary>
    /// Recommended gain for a nonlinearity: 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for ReLU,
    /// √(2/(1 + slope²)) for leaky ReLU (slope = <paramref name="param"/>, default 0.01), 3/4 for SELU.
    /// </summary>
    public static double CalculateGain(Nonlinearity nonlinearity, double? param = null) => nonlinearity switch
    {
        Nonlinearity.Tanh => 5.0 / 3,
        Nonlinearity.Relu => Math.Sqrt(2.0),
        Nonlinearity.LeakyRelu => Math.Sqrt(2.0 / (1 + Math.Pow(param ?? 0.01, 2))),
        Nonlinearity.Selu => 3.0 / 4,
        _ => 1,
    };

    /// <summary>
    /// (fan_in, fan_out) of a weight of shape (out, in, *kernel): fan_in = in·∏kernel, fan_out = out·∏kernel.
    /// Fewer than 2 dimensions is an error.
    /// </summary>
    public static (long FanIn, long FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        var shape = tensor.Shape;
        if (shape.Length < 2)
            throw new ArgumentException("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
        long receptive = 1;
        for (var i = 2; i < shape.Length; i++) receptive *= shape[i];
        return (shape[1] * receptive, shape[0] * receptive);
    }

    private static long CorrectFan(Tensor tensor, FanMode mode)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        return mode == FanMode.FanIn ? fanIn : fanOut;
    }

    private static bool HasZeroDim(Tensor t) => t.Shape.Contains(0);

    /// <summary>Fills with samples of U(<paramref name="a"/>, <paramref name="b"/>).</summary>
    public static Tensor Uniform_(Tensor tensor, double a = 0, double b = 1, Generator? generator = null)
    {
        using (GradMode.NoGrad()) Native.ml_uniform_(tensor.Handle, a, b, Generator.Raw(generator));
        GC.KeepAlive(generator);
        Native.Check();
        return tensor;
    }

    /// <summary>Fills with samples of N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public static Tensor Normal_(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
    {
        using (GradMode.NoGrad()) Native.ml_normal_(tensor.Handle, mean, std, Generator.Raw(generator));
        GC.KeepAlive(generator);
        Native.Check();
        return tensor;
    }

    /// <summary>
    /// Fills with N(mean, std²) samples truncated to [<paramref name="a"/>, <paramref name="b"/>] (inverse-CDF
    /// method of torch.nn.init.trunc_normal_; values are clamped to the bounds).
    /// </summary>
    public static Tensor TruncNormal_(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2, Generator? generator = null)
    {
        using (GradMode.NoGrad()) Native.ml_nn_trunc_normal_(tensor.Handle, mean, std, a, b, Generator.Raw(generator));
        GC.KeepAlive(generator);
        Native.Check();
        return tensor;
    }

    /// <summary>Fills with <paramref name="value"/>.</summary>
    public static Tensor Constant_(Tensor tensor, double value)
    {
        using (GradMode.NoGrad()) Native.ml_nn_fill_(tensor.Handle, value);
        Native.Check();
        return tensor;
    }

    /// <summary>Fills with 0.</summary>
    public static Tensor Zeros_(Tensor tensor) => Constant_(tensor, 0);

    /// <summary>Fills with 1.</summary>
    public static Tensor Ones_(Tensor tensor) => Constant_(tensor, 1);

    /// <summary>
    /// He/Kaiming uniform: U(−bound, bound) with bound = √3·gain/√fan, gain = <see cref="CalculateGain"/>(
    /// <paramref name="nonlinearity"/>, <paramref name="a"/>) and fan per <paramref name="mode"/>.
    /// torch.nn layers use a = √5 (bound = 1/√fan_in).
    /// </summary>
    public static Tensor KaimingUniform_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Generator? generator = null)
    {
        if (HasZeroDim(tensor)) return tensor;
        var fan = CorrectFan(tensor, mode);
        var gain = CalculateGain(nonlinearity, a);
        var std = gain / Math.Sqrt(fan);
        var bound = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -bound, bound, generator);
    }

    /// <summary>He/Kaiming normal: N(0, std²) with std = gain/√fan (see <see cref="KaimingUniform_"/>).</summary>
    public static Tensor KaimingNormal_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Generator? generator = null)
    {
        if (HasZeroDim(tensor)) return tensor;
        var fan = CorrectFan(tensor, mode);
        var gain = CalculateGain(nonlinearity, a);
        var std = gain / Math.Sqrt(fan);
        return Normal_(tensor, 0, std, generator);
    }

    /// <summary>Glorot/Xavier uniform: U(−a, a) with a = gain·√(6/(fan_in + fan_out)).</summary>
    public static Tensor XavierUniform_(Tensor tensor, double gain = 1.0, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        var std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        var a = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -a, a, generator);
    }

    /// <summary>Glorot/Xavier normal: N(0, std²) with std = gain·√(2/(fan_in + fan_out)).</summary>
    public static Tensor XavierNormal_(Tensor tensor, double gain = 1.0, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        var std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        return Normal_(tensor, 0, std, generator);
    }

    /// <summary>
    /// torch.nn's default reset of Linear/Conv/ConvTranspose layers: weight ~ KaimingUniform_(a = √5), then
    /// bias ~ U(−1/√fan_in, 1/√fan_in) (fan_in of the weight). When fan_in = 0, Linear draws U(0, 0) and
    /// convolutions leave the bias untouched, as torch.nn does.
    /// </summary>
    internal static void ResetLinearOrConv(Tensor weight, Tensor? bias, bool isLinear)
    {
        KaimingUniform_(weight, a: Math.Sqrt(5));
        if (bias is null) return;
        var (fanIn, _) = CalculateFanInAndFanOut(weight);
        if (fanIn == 0 && !isLinear) return;
        var bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        Uniform_(bias, -bound, bound);
    }
}
