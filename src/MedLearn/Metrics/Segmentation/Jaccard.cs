using MedLearn.Morphology;

namespace MedLearn.Metrics.Segmentation;

/// <summary>
/// Jaccard index (intersection over union) of a predicted and a reference mask: <c>J = |P ∩ G| / |P ∪ G|</c>, in [0, 1];
/// equals <c>Dice / (2 − Dice)</c>.
/// </summary>
/// <remarks>Empty-mask rule: both empty → 1; one empty → 0.</remarks>
public static class Jaccard
{
    /// <summary>The Jaccard index of <paramref name="prediction"/> against <paramref name="truth"/>.</summary>
    /// <exception cref="ArgumentException">The masks have different shapes.</exception>
    public static double Compute(BinaryMask prediction, BinaryMask truth)
    {
        var both = Overlap.Intersection(prediction, truth);
        var union = prediction.Count + truth.Count - both;
        return union == 0 ? 1.0 : (double)both / union;
    }
}
