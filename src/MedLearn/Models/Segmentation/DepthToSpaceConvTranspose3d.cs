using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Segmentation;

/// <summary>
/// A 3-D transposed convolution whose kernel equals its stride (no padding, no overlap), computed as a 1x1x1
/// convolution to <c>C_out · k³</c> channels followed by depth-to-space (a 3-D pixel shuffle by reshape/permute):
/// <c>y[n, o, k·d + a, k·h + b, k·w + c] = Σ_i x[n, i, d, h, w] · W[i, o, a, b, c] + bias[o]</c>, which is exactly
/// torch.nn.ConvTranspose3d(in, out, k, stride=k).
/// </summary>
/// <remarks>
/// Why: libtorch 1.13's transposed 3-D convolution never uses oneDNN (im2col + gemm) and took 41–53% of a V-Net's
/// time; the 1x1x1 convolution runs on oneDNN. The parameters are ConvTranspose3d's own (<c>weight</c> of shape
/// (in, out, k, k, k), <c>bias</c> (out)), with torch.nn's default initialisation, so checkpoints are interchangeable
/// with PyTorch's ConvTranspose3d; the 1x1x1 kernel is a reshaped view of the same tensor, built per forward pass, so
/// gradients reach <c>weight</c>. <see cref="UsePlainTransposedConvolution"/> switches to libtorch's op (tests prove
/// both give the same result).
/// </remarks>
public sealed class DepthToSpaceConvTranspose3d : Module<Tensor, Tensor>
{
    /// <summary>A layer from <paramref name="inChannels"/> to <paramref name="outChannels"/> up-sampling by <paramref name="factor"/>.</summary>
    public DepthToSpaceConvTranspose3d(long inChannels, long outChannels, long factor = 2, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        (InChannels, OutChannels, Factor) = (inChannels, outChannels, factor);
        Weight = RegisterParameter("weight", torch.Empty([inChannels, outChannels, factor, factor, factor]))!;
        Bias = bias ? RegisterParameter("bias", torch.Empty([outChannels])) : RegisterParameter("bias", null);
        Init.ResetLinearOrConv(Weight, Bias, isLinear: false);
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }
    /// <summary>Output channels.</summary>
    public long OutChannels { get; }
    /// <summary>Kernel size = stride along every axis.</summary>
    public long Factor { get; }
    /// <summary>The transposed-convolution kernel (in, out, k, k, k), as torch.nn.ConvTranspose3d stores it.</summary>
    public Tensor Weight { get; }
    /// <summary>The per-output-channel bias, or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>When true, runs libtorch's conv_transpose3d instead of the rewrite (for comparisons).</summary>
    public bool UsePlainTransposedConvolution { get; set; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var k = Factor;
        if (UsePlainTransposedConvolution)
            return Functional.ConvTranspose3d(input, Weight, Bias, [k, k, k]);
        if (input.Dim != 5) throw new ArgumentException($"expected input [N, C, D, H, W], got [{string.Join(", ", input.Shape)}]", nameof(input));
        var (n, d, h, w) = (input.Size(0), input.Size(2), input.Size(3), input.Size(4));
        var o = OutChannels;
        using var scope = DisposeScope.Open();
        // (in, out, a, b, c) -> (out, a, b, c, in) -> 1x1x1 kernel (out·k³, in, 1, 1, 1).
        var kernel = Weight.Permute(1, 2, 3, 4, 0).Reshape(o * k * k * k, InChannels, 1, 1, 1);
        var z = Functional.Conv3d(input, kernel);
        // (n, out, a, b, c, d, h, w) -> (n, out, d, a, h, b, w, c) -> (n, out, k·d, k·h, k·w)
        var y = z.View(n, o, k, k, k, d, h, w).Permute(0, 1, 5, 2, 6, 3, 7, 4).Reshape(n, o, k * d, k * h, k * w);
        if (Bias is not null) y = y.Add(Bias.View(1, o, 1, 1, 1));
        return scope.MoveToOuter(y);
    }

    /// <inheritdoc/>
    public override string ToString() => $"ConvTranspose3d({InChannels}, {OutChannels}, kernel_size=({Factor}, {Factor}, {Factor}), stride=({Factor}, {Factor}, {Factor}))";
}
