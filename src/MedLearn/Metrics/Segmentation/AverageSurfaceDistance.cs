using MedLearn.Morphology;

namespace MedLearn.Metrics.Segmentation;

/// <summary>
/// Average (directed) surface distance from the prediction to the reference:
/// <c>ASD = mean_{p ∈ ∂P} d(p, ∂G)</c> over the surface voxels of the prediction (medpy's <c>asd(result, reference)</c>),
/// with <see cref="SurfaceDistances"/>. Units are those of the masks' spacing (mm, or voxels with unit spacing).
/// </summary>
/// <remarks>Empty-mask rule: both empty → 0; exactly one empty → NaN (undefined).</remarks>
public static class AverageSurfaceDistance
{
    /// <summary>The ASD of <paramref name="prediction"/> to <paramref name="truth"/>.</summary>
    /// <exception cref="ArgumentException">The masks have different shapes or spacings.</exception>
    public static double Compute(BinaryMask prediction, BinaryMask truth)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(truth);
        prediction.RequireSameGrid(truth, "ASD");
        if (prediction.IsEmpty || truth.IsEmpty) return prediction.IsEmpty && truth.IsEmpty ? 0.0 : double.NaN;
        return SurfaceDistances.Directed(prediction, truth).Average();
    }
}
