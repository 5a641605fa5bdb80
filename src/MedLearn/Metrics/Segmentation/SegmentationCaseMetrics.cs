using MedLearn.Morphology;

namespace MedLearn.Metrics.Segmentation;

/// <summary>
/// All segmentation metrics of one case, computed in one pass (surfaces once, four distance transforms):
/// <see cref="Dice"/>, <see cref="Jaccard"/>, and <see cref="HausdorffDistance95"/>, <see cref="AverageSurfaceDistance"/>,
/// <see cref="SymmetricAverageSurfaceDistance"/> both in millimetres (the masks' spacing) and in voxels (unit spacing).
/// </summary>
/// <param name="Dice">Dice coefficient (both empty → 1, one empty → 0).</param>
/// <param name="Jaccard">Jaccard index (both empty → 1, one empty → 0).</param>
/// <param name="Hd95Mm">HD95 in spacing units (NaN when exactly one mask is empty, 0 when both are).</param>
/// <param name="AsdMm">ASD prediction → truth in spacing units (same empty rule).</param>
/// <param name="AssdMm">Symmetric ASD in spacing units (same empty rule).</param>
/// <param name="Hd95Voxels">HD95 in voxels.</param>
/// <param name="AsdVoxels">ASD in voxels.</param>
/// <param name="AssdVoxels">Symmetric ASD in voxels.</param>
/// <param name="Emptiness">Which masks were empty (the rule that was applied).</param>
public sealed record SegmentationCaseMetrics(double Dice, double Jaccard, double Hd95Mm, double AsdMm, double AssdMm,
    double Hd95Voxels, double AsdVoxels, double AssdVoxels, MaskEmptiness Emptiness)
{
    /// <summary>Computes every metric of <paramref name="prediction"/> against <paramref name="truth"/> (same grid).</summary>
    /// <exception cref="ArgumentException">The masks have different shapes or spacings.</exception>
    public static SegmentationCaseMetrics Compute(BinaryMask prediction, BinaryMask truth)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(truth);
        prediction.RequireSameGrid(truth, "segmentation metrics");
        var dice = Segmentation.Dice.Compute(prediction, truth);
        var jaccard = Segmentation.Jaccard.Compute(prediction, truth);
        var emptiness = (prediction.IsEmpty, truth.IsEmpty) switch
        {
            (false, false) => MaskEmptiness.None,
            (true, true) => MaskEmptiness.Both,
            (true, false) => MaskEmptiness.Prediction,
            _ => MaskEmptiness.Truth,
        };
        if (emptiness != MaskEmptiness.None)
        {
            var d = emptiness == MaskEmptiness.Both ? 0.0 : double.NaN;
            return new(dice, jaccard, d, d, d, d, d, d, emptiness);
        }
        var (sp, sg) = (MaskSurface.Of(prediction), MaskSurface.Of(truth));
        var (mm, vox) = (Distances(sp, sg), Distances(sp.WithSpacing([1, 1, 1]), sg.WithSpacing([1, 1, 1])));
        return new(dice, jaccard, mm.Hd95, mm.Asd, mm.Assd, vox.Hd95, vox.Asd, vox.Assd, emptiness);
    }

    private static (double Hd95, double Asd, double Assd) Distances(BinaryMask surfacePrediction, BinaryMask surfaceTruth)
    {
        var pg = SurfaceDistances.Directed(surfacePrediction, EuclideanDistanceTransform.DistanceTo(surfaceTruth));
        var gp = SurfaceDistances.Directed(surfaceTruth, EuclideanDistanceTransform.DistanceTo(surfacePrediction));
        var (asdPg, asdGp) = (pg.Average(), gp.Average());
        return (HausdorffDistance95.FromDistances(pg, gp), asdPg, (asdPg + asdGp) / 2);
    }
}
