using MedLearn.Morphology;

namespace MedLearn.Metrics.Segmentation;

/// <summary>
/// Average symmetric surface distance: <c>ASSD = (ASD(P → G) + ASD(G → P)) / 2</c>, the mean of the two directed
/// averages of <see cref="AverageSurfaceDistance"/> (medpy's <c>assd</c>; note this differs from the mean over the
/// pooled distances when the surfaces have different sizes). Units are those of the spacing.
/// </summary>
/// <remarks>Empty-mask rule: both empty → 0; exactly one empty → NaN (undefined).</remarks>
public static class SymmetricAverageSurfaceDistance
{
    /// <summary>The ASSD of <paramref name="prediction"/> and <paramref name="truth"/>.</summary>
    /// <exception cref="ArgumentException">The masks have different shapes or spacings.</exception>
    public static double Compute(BinaryMask prediction, BinaryMask truth)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(truth);
        prediction.RequireSameGrid(truth, "ASSD");
        if (prediction.IsEmpty || truth.IsEmpty) return prediction.IsEmpty && truth.IsEmpty ? 0.0 : double.NaN;
        return (SurfaceDistances.Directed(prediction, truth).Average() + SurfaceDistances.Directed(truth, prediction).Average()) / 2;
    }
}
