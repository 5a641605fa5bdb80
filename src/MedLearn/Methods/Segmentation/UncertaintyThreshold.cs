using MedLearn.Methods.SemiSupervised;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// The entropy threshold schedule of UG-MCL / UA-MT (methods.md §3):
/// <c>H(t) = (0.75 + 0.25 · sigmoid_rampup(t, t_max)) · ln K</c>, with t the 0-based iteration, t_max the total iterations
/// and ln K the maximum entropy of K classes (ln 2 for the binary task of the paper). Voxels with <c>u &lt; H(t)</c> count
/// as certain; the threshold rises from ≈ 0.75 ln K to ln K, admitting more voxels as training proceeds.
/// </summary>
public static class UncertaintyThreshold
{
    /// <summary>H(t) for iteration <paramref name="iteration"/> of <paramref name="maxIterations"/> with <paramref name="classes"/> classes.</summary>
    public static double At(long iteration, long maxIterations, int classes = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(maxIterations);
        return (0.75 + 0.25 * SigmoidRampUp.Value(iteration, maxIterations)) * Math.Log(classes);
    }
}
