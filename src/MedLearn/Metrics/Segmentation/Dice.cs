using MedLearn.Morphology;

namespace MedLearn.Metrics.Segmentation;

/// <summary>
/// Dice similarity coefficient of a predicted and a reference mask: <c>Dice = 2 |P ∩ G| / (|P| + |G|)</c>, in [0, 1].
/// </summary>
/// <remarks>Empty-mask rule: both empty → 1 (perfect agreement on "nothing there"); one empty → 0.</remarks>
public static class Dice
{
    /// <summary>The Dice coefficient of <paramref name="prediction"/> against <paramref name="truth"/>.</summary>
    /// <exception cref="ArgumentException">The masks have different shapes.</exception>
    public static double Compute(BinaryMask prediction, BinaryMask truth)
    {
        var both = Overlap.Intersection(prediction, truth);
        var sum = prediction.Count + truth.Count;
        return sum == 0 ? 1.0 : 2.0 * both / sum;
    }
}
