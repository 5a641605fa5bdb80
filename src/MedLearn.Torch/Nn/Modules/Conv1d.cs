namespace MedLearn.Torch.Nn;

/// <summary>
/// 1-D convolution layer (torch.nn.Conv1d): y = conv1d(x, weight, bias) with weight
/// (out, in/groups, *kernel). Sizes take one value for every spatial dim or one per dim. Non-zero
/// padding modes (reflect, replicate, circular) pad explicitly first, as PyTorch does.
/// </summary>
public sealed class Conv1d : ConvNd
{
    /// <summary>Creates the layer with torch.nn's default initialisation (drawn from the default generator).</summary>
    public Conv1d(long inChannels, long outChannels, long[] kernelSize, long[]? stride = null, long[]? padding = null,
        long[]? dilation = null, long groups = 1, bool bias = true, PadMode paddingMode = PadMode.Constant,
        DType dtype = DType.Float32, Device? device = null)
        : base(1, inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, paddingMode, false, null, dtype, device) { }

    /// <summary>A layer with a cubic/square kernel of side <paramref name="kernelSize"/>.</summary>
    public Conv1d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1,
        long groups = 1, bool bias = true, PadMode paddingMode = PadMode.Constant, DType dtype = DType.Float32, Device? device = null)
        : this(inChannels, outChannels, [kernelSize], [stride], [padding], [dilation], groups, bias, paddingMode, dtype, device) { }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        ConvForward(input, (x, p) => Functional.Conv1d(x, Weight, Bias, Stride, p, Dilation, Groups));
}
