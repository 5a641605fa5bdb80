namespace MedLearn.Torch.Nn;

/// <summary>
/// Which 2-D convolutions <see cref="Conv2d"/> sends straight to oneDNN (<see cref="Functional.MkldnnConvolution"/>)
/// instead of letting libtorch choose. libtorch 1.13 computes a float32 CPU convolution with im2col + BLAS gemm when the
/// batch is 1, groups is 1, the kernel is at most 3 wide in some dimension and N·C·H·W ≤ 20480 ("for some case, native is
/// faster"). Profiling EfficientNet-B0 at batch 1 (bench/results/profile-efficientnet_b0-infer.md) showed that rule
/// sending its 1×1 expansion convolutions on 7×7 and 14×14 maps (e.g. 192→1152 channels on 7×7) to the slow path, at
/// about 12 GFLOP/s against oneDNN's 27: oneDNN was 2.2x faster there, equal at 7.5·10⁶ multiply-adds, and 4-8x
/// slower on 1×1 maps (squeeze-excitation layers), where libtorch's choice stays.
/// <para>Rule: route when gradients are off (inference; training keeps libtorch's path and its autograd formula), the
/// input is a 4-D float32 CPU tensor, libtorch has oneDNN, more than one intra-op thread runs, libtorch would take the im2col path (batch 1,
/// groups 1, kernel ≤ 3 in a dimension, N·C·H·W ≤ 20480), the output has at least 16 positions and the convolution
/// has at least <see cref="MinMultiplyAdds"/> multiply-adds. Results equal libtorch's path up to float rounding.</para>
/// </summary>
internal static class OneDnnConvolutionRoute
{
    /// <summary>Smallest convolution (multiply-adds) routed: below it the two paths measured equal.</summary>
    internal const long MinMultiplyAdds = 8_000_000;

    private static readonly Lazy<bool> OneDnnPresent = new(() => torch.HasOneDnn);

    /// <summary>Whether <paramref name="input"/> * <paramref name="weight"/> should run on oneDNN directly.</summary>
    public static bool Prefer(Tensor input, Tensor weight, long groups, long[] stride, long[] padding, long[] dilation)
    {
        if (groups != 1 || GradMode.IsEnabled || input.Dim != 4 || input.Size(0) != 1) return false;
        long c = input.Size(1), h = input.Size(2), w = input.Size(3);
        if (c * h * w > 20480) return false; // libtorch picks oneDNN itself
        long kh = weight.Size(2), kw = weight.Size(3);
        if (kh > 3 && kw > 3) return false;
        if (input.DType != DType.Float32 || weight.DType != DType.Float32 || input.Device.Type != DeviceType.CPU) return false;
        if (torch.ThreadNumThreads < 2) return false; // measured with 2 threads only
        if (!OneDnnPresent.Value) return false; // a libtorch built without oneDNN has no mkldnn_convolution
        var ho = (h + 2 * padding[0] - dilation[0] * (kh - 1) - 1) / stride[0] + 1;
        var wo = (w + 2 * padding[1] - dilation[1] * (kw - 1) - 1) / stride[1] + 1;
        return ho * wo >= 16 && weight.Size(0) * c * kh * kw * ho * wo >= MinMultiplyAdds;
    }

    /// <summary><paramref name="values"/> with one entry per spatial dimension (a single value repeated).</summary>
    public static long[] PerDim(long[] values, int dims) => values.Length == dims ? values : [.. Enumerable.Repeat(values[0], dims)];
}
