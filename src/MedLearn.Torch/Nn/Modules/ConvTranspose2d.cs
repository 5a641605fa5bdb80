namespace MedLearn.Torch.Nn;

/// <summary>
/// 2-D transposed convolution layer (torch.nn.ConvTranspose2d) with weight (in, out/groups, *kernel).
/// Output size per dim: (in−1)·stride − 2·padding + dilation·(k−1) + output_padding + 1.
/// </summary>
public sealed class ConvTranspose2d : ConvNd
{
    /// <summary>Creates the layer with torch.nn's default initialisation (drawn from the default generator).</summary>
    public ConvTranspose2d(long inChannels, long outChannels, long[] kernelSize, long[]? stride = null, long[]? padding = null,
        long[]? outputPadding = null, long groups = 1, bool bias = true, long[]? dilation = null,
        DType dtype = DType.Float32, Device? device = null)
        : base(2, inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, PadMode.Constant, true, outputPadding, dtype, device) { }

    /// <summary>A layer with a cubic/square kernel of side <paramref name="kernelSize"/>.</summary>
    public ConvTranspose2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0,
        long outputPadding = 0, long groups = 1, bool bias = true, long dilation = 1, DType dtype = DType.Float32, Device? device = null)
        : this(inChannels, outChannels, [kernelSize], [stride], [padding], [outputPadding], groups, bias, [dilation], dtype, device) { }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        Functional.ConvTranspose2d(input, Weight, Bias, Stride, Padding, OutputPadding, Groups, Dilation);
}
