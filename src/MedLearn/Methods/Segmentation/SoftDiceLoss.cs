using MedLearn.Torch;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// The soft Dice loss of UG-MCL's supervised term (methods.md §3), per foreground class c on its softmax probability s
/// and one-hot target g over the whole batch: <c>Dice_c = 1 − (2 Σ s·g + 1e-5) / (Σ s² + Σ g² + 1e-5)</c>; the loss is
/// the mean over the foreground classes 1..K−1 (for two classes, the reference code's <c>dice_loss(outputs_soft[:, 1], label == 1)</c>).
/// </summary>
/// <remarks>Empty target and empty prediction give 1 − 1e-5/1e-5 = 0 (the smoothing term): nothing to find, nothing found.</remarks>
public static class SoftDiceLoss
{
    /// <summary>Smoothing constant of numerator and denominator.</summary>
    public const double Smooth = 1e-5;

    /// <summary>The loss of <paramref name="probabilities"/> [N, K, ...] against integer <paramref name="labels"/> [N, ...] (0..K−1).</summary>
    public static Tensor Compute(Tensor probabilities, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(labels);
        var classes = probabilities.Size(1);
        using var scope = DisposeScope.Open();
        Tensor? total = null;
        for (var c = 1; c < classes; c++)
        {
            var s = probabilities.Select(1, c);
            var g = labels.Eq(c).To(s.DType);
            var dice = 1.0 - ((s * g).Sum() * 2.0 + Smooth) / ((s * s).Sum() + (g * g).Sum() + Smooth);
            total = total is null ? dice : total + dice;
        }
        return scope.MoveToOuter(total! * (1.0 / (classes - 1)));
    }
}
