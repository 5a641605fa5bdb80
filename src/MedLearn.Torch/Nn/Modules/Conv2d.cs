namespace MedLearn.Torch.Nn;

/// <summary>
/// 2-D convolution layer (torch.nn.Conv2d): y = conv2d(x, weight, bias) with weight
/// (out, in/groups, *kernel). Sizes take one value for every spatial dim or one per dim. Non-zero
/// padding modes (reflect, replicate, circular) pad explicitly first, as PyTorch does.
/// </summary>
public sealed class Conv2d : ConvNd
{
    /// <summary>Creates the layer with torch.nn's default initialisation (drawn from the default generator).</summary>
    public Conv2d(long inChannels, long outChannels, long[] kernelSize, long[]? stride = null, long[]? padding = null,
        long[]? dilation = null, long groups = 1, bool bias = true, PadMode paddingMode = PadMode.Constant,
        DType dtype = DType.Float32, Device? device = null)
        : base(2, inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, paddingMode, false, null, dtype, device) { }

    /// <summary>A layer with a cubic/square kernel of side <paramref name="kernelSize"/>.</summary>
    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1,
        long groups = 1, bool bias = true, PadMode paddingMode = PadMode.Constant, DType dtype = DType.Float32, Device? device = null)
        : this(inChannels, outChannels, [kernelSize], [stride], [padding], [dilation], groups, bias, paddingMode, dtype, device) { }

    /// <inheritdoc/>
    /// <remarks>Small batch-1 inference convolutions that libtorch would compute with im2col + BLAS run on oneDNN
    /// directly (<see cref="OneDnnConvolutionRoute"/>); the result is the same up to float rounding.</remarks>
    public override Tensor Forward(Tensor input) =>
        ConvForward(input, (x, p) =>
        {
            var (stride, padding, dilation) = (OneDnnConvolutionRoute.PerDim(Stride, 2), OneDnnConvolutionRoute.PerDim(p, 2), OneDnnConvolutionRoute.PerDim(Dilation, 2));
            return OneDnnConvolutionRoute.Prefer(x, Weight, Groups, stride, padding, dilation)
                ? Functional.MkldnnConvolution(x, Weight, Bias, padding, stride, dilation, Groups)
                : Functional.Conv2d(x, Weight, Bias, Stride, p, Dilation, Groups);
        });
}
