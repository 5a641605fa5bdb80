using MedLearn.Models.Gmic;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// GMIC's end-to-end training loss for multi-label targets y [N, C] in {0, 1}:
/// <c>L = (1/N) sum_n [ sum_c (BCE(y_global) + BCE(y_local) + BCE(y_fusion)) + beta * sum_{c,i,j} |A_c(i, j)| ]</c>.
/// The local and fusion terms use the logits (binary_cross_entropy_with_logits, the same value, numerically
/// stable); y_global is a probability already (libtorch clamps its log at -100). Everything is computed in
/// float32, also under bf16 autocast.
/// </summary>
public static class GmicLoss
{
    /// <summary>The terms of one batch (0-dimensional tensors in the caller's dispose scope).</summary>
    /// <param name="Total">The loss to back-propagate.</param>
    /// <param name="Global">Mean over the batch of the summed per-class BCE of y_global.</param>
    /// <param name="Local">Same for y_local.</param>
    /// <param name="Fusion">Same for y_fusion.</param>
    /// <param name="SaliencyL1">Mean over the batch of sum |A| (before beta).</param>
    public sealed record Terms(Tensor Total, Tensor Global, Tensor Local, Tensor Fusion, Tensor SaliencyL1);

    /// <summary>The loss of <paramref name="output"/> against <paramref name="targets"/> [N, C] with weight <paramref name="beta"/>.</summary>
    public static Terms Compute(GmicOutput output, Tensor targets, double beta)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!targets.Shape.SequenceEqual(output.FusionLogits.Shape))
            throw new ArgumentException($"GMIC targets [{string.Join(", ", targets.Shape)}] do not match the outputs [{string.Join(", ", output.FusionLogits.Shape)}]", nameof(targets));
        if (!(beta >= 0)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be >= 0");
        var y = targets.To(DType.Float32);
        var n = (double)Math.Max(1, targets.Size(0));
        var global = Functional.BinaryCrossEntropy(output.Global.To(DType.Float32), y, reduction: Reduction.Sum) / n;
        var local = Functional.BinaryCrossEntropyWithLogits(output.LocalLogits.To(DType.Float32), y, reduction: Reduction.Sum) / n;
        var fusion = Functional.BinaryCrossEntropyWithLogits(output.FusionLogits.To(DType.Float32), y, reduction: Reduction.Sum) / n;
        var l1 = output.Saliency.To(DType.Float32).Abs().Sum() / n;
        return new Terms(global + local + fusion + l1 * beta, global, local, fusion, l1);
    }
}
