using MedLearn.Morphology;

namespace MedLearn.Metrics.Segmentation;

/// <summary>Voxel counting shared by the overlap metrics.</summary>
internal static class Overlap
{
    /// <summary>|P ∩ G|: voxels foreground in both masks (shapes must match; spacing is irrelevant for counts).</summary>
    public static int Intersection(BinaryMask prediction, BinaryMask truth)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(truth);
        if (!prediction.Shape.SequenceEqual(truth.Shape))
            throw new ArgumentException($"mask shapes differ: prediction [{string.Join(", ", prediction.Shape)}] vs truth [{string.Join(", ", truth.Shape)}]");
        var p = prediction.Voxels;
        var g = truth.Voxels;
        var n = 0;
        for (var i = 0; i < p.Length; i++)
            if (p[i] && g[i]) n++;
        return n;
    }
}
