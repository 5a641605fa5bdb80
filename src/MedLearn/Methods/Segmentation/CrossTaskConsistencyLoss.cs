using MedLearn.Torch;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// Cross-task consistency between the student's two heads (methods.md §3): the distance head's map turned into a soft
/// mask, <c>sigmoid(−k · SDF)</c> (k = 1500), should equal the segmentation head's foreground probabilities:
/// <c>L = mean_v (sigmoid(−k · SDF_s) − p_s)²</c> over every voxel and foreground class of the batch (labeled and unlabeled).
/// Both heads receive gradient.
/// </summary>
public static class CrossTaskConsistencyLoss
{
    /// <summary>The default sharpness k of the SDF → mask transform.</summary>
    public const double DefaultSharpness = 1500;

    /// <summary>The soft mask <c>sigmoid(−k · sdf)</c>.</summary>
    public static Tensor DistanceToMask(Tensor sdf, double sharpness = DefaultSharpness)
    {
        ArgumentNullException.ThrowIfNull(sdf);
        using var scope = DisposeScope.Open();
        return scope.MoveToOuter((sdf * -sharpness).Sigmoid());
    }

    /// <summary>The loss of distance map <paramref name="sdf"/> [N, K−1, ...] against softmax <paramref name="probabilities"/> [N, K, ...] (classes 1..K−1 are compared).</summary>
    public static Tensor Compute(Tensor sdf, Tensor probabilities, double sharpness = DefaultSharpness)
    {
        ArgumentNullException.ThrowIfNull(sdf);
        ArgumentNullException.ThrowIfNull(probabilities);
        var k = probabilities.Size(1);
        if (sdf.Size(1) != k - 1)
            throw new ArgumentException($"distance map has {sdf.Size(1)} channels; {k - 1} expected for {k} classes");
        using var scope = DisposeScope.Open();
        var diff = DistanceToMask(sdf, sharpness) - probabilities.Narrow(1, 1, k - 1);
        return scope.MoveToOuter((diff * diff).Mean());
    }
}
