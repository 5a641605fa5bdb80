namespace MedLearn.Torch.Nn;

/// <summary>
/// Shared part of the convolution layers (torch.nn._ConvNd): parameters <c>weight</c> and <c>bias</c>,
/// torch.nn's default initialisation, and padding modes. Weight shape: (out, in/groups, *kernel), or
/// (in, out/groups, *kernel) for transposed convolutions.
/// </summary>
public abstract class ConvNd : Module<Tensor, Tensor>
{
    private protected ConvNd(int nd, long inChannels, long outChannels, long[] kernelSize, long[]? stride, long[]? padding,
        long[]? dilation, long groups, bool bias, PadMode paddingMode, bool transposed, long[]? outputPadding, DType dtype, Device? device)
    {
        if (groups <= 0) throw new ArgumentException("groups must be a positive integer", nameof(groups));
        if (inChannels % groups != 0) throw new ArgumentException("in_channels must be divisible by groups", nameof(inChannels));
        if (outChannels % groups != 0) throw new ArgumentException("out_channels must be divisible by groups", nameof(outChannels));
        if (transposed && paddingMode != PadMode.Constant)
            throw new ArgumentException($"Only \"zeros\" padding mode is supported for {GetType().Name}", nameof(paddingMode));
        SpatialDims = nd;
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = ModuleArgs.Expand(kernelSize, nd, nameof(kernelSize));
        Stride = ModuleArgs.Expand(stride ?? [1], nd, nameof(stride));
        Padding = ModuleArgs.Expand(padding ?? [0], nd, nameof(padding));
        Dilation = ModuleArgs.Expand(dilation ?? [1], nd, nameof(dilation));
        OutputPadding = ModuleArgs.Expand(outputPadding ?? [0], nd, nameof(outputPadding));
        Groups = groups;
        PaddingMode = paddingMode;
        Transposed = transposed;
        long[] shape = transposed ? [inChannels, outChannels / groups, .. KernelSize] : [outChannels, inChannels / groups, .. KernelSize];
        Weight = RegisterParameter("weight", Torch.Empty(shape, dtype, device))!;
        Bias = bias ? RegisterParameter("bias", Torch.Empty([outChannels], dtype, device)) : RegisterParameter("bias", null);
        ResetParameters();
    }

    /// <summary>Number of spatial dimensions (1, 2 or 3).</summary>
    public int SpatialDims { get; }
    public long InChannels { get; }
    public long OutChannels { get; }
    public long[] KernelSize { get; }
    public long[] Stride { get; }
    public long[] Padding { get; }
    public long[] Dilation { get; }
    public long[] OutputPadding { get; }
    public long Groups { get; }

    /// <summary>How the input is padded: Constant = zeros (PyTorch's "zeros"), or reflect/replicate/circular,
    /// which pad explicitly before an unpadded convolution.</summary>
    public PadMode PaddingMode { get; }

    /// <summary>True for transposed convolutions.</summary>
    public bool Transposed { get; }

    /// <summary>The convolution kernel.</summary>
    public Tensor Weight { get; }

    /// <summary>The per-output-channel bias, or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>Re-draws the parameters as torch.nn does (Kaiming-uniform a = √5; bias U(±1/√fan_in)).</summary>
    public void ResetParameters() => Init.ResetLinearOrConv(Weight, Bias, isLinear: false);

    /// <summary>Padding for F.pad in non-zeros padding modes: last dim first, each dim twice.</summary>
    private protected long[] ReversedPaddingRepeatedTwice()
    {
        var r = new List<long>();
        for (var i = Padding.Length - 1; i >= 0; i--) { r.Add(Padding[i]); r.Add(Padding[i]); }
        return [.. r];
    }

    private protected Tensor ConvForward(Tensor input, Func<Tensor, long[], Tensor> conv)
    {
        if (PaddingMode == PadMode.Constant) return conv(input, Padding);
        using var padded = Functional.Pad(input, ReversedPaddingRepeatedTwice(), PaddingMode);
        return conv(padded, [0]);
    }

    public override string ToString() =>
        $"{GetType().Name}({InChannels}, {OutChannels}, kernel_size={ModuleArgs.Format(KernelSize)}, stride={ModuleArgs.Format(Stride)}"
        + (Padding.Any(p => p != 0) ? $", padding={ModuleArgs.Format(Padding)}" : "")
        + (Dilation.Any(d => d != 1) ? $", dilation={ModuleArgs.Format(Dilation)}" : "")
        + (Groups != 1 ? $", groups={Groups}" : "") + (Bias is null ? ", bias=False" : "") + ")";
}
