using MedLearn.Morphology;

namespace MedLearn.Metrics.Segmentation;

/// <summary>
/// 95th-percentile Hausdorff distance: <c>HD95 = percentile_95(d(∂P → ∂G) ∪ d(∂G → ∂P))</c>, the 95th percentile
/// (numpy's linear interpolation) of the union of both directed surface-distance sets of <see cref="SurfaceDistances"/>,
/// as medpy's <c>hd95</c> (the UG-MCL reference evaluation) computes it. Units are those of the masks' spacing:
/// millimetres with the image spacing, voxels with unit spacing.
/// </summary>
/// <remarks>Empty-mask rule: both empty → 0; exactly one empty → NaN (undefined: there is no surface to measure to),
/// which evaluation reports as such and leaves out of means.</remarks>
public static class HausdorffDistance95
{
    /// <summary>The HD95 of <paramref name="prediction"/> against <paramref name="truth"/>.</summary>
    /// <exception cref="ArgumentException">The masks have different shapes or spacings.</exception>
    public static double Compute(BinaryMask prediction, BinaryMask truth)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(truth);
        prediction.RequireSameGrid(truth, "HD95");
        if (prediction.IsEmpty || truth.IsEmpty) return prediction.IsEmpty && truth.IsEmpty ? 0.0 : double.NaN;
        return FromDistances(SurfaceDistances.Directed(prediction, truth), SurfaceDistances.Directed(truth, prediction));
    }

    /// <summary>The 95th percentile of the union of two directed distance sets (both non-empty).</summary>
    internal static double FromDistances(double[] predictionToTruth, double[] truthToPrediction)
    {
        double[] all = [.. predictionToTruth, .. truthToPrediction];
        Array.Sort(all);
        return Percentile.Linear(all, 0.95);
    }
}
