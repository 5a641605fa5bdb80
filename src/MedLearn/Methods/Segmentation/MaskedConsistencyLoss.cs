using MedLearn.Torch;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// Uncertainty-masked intra-task consistency between student and teacher probabilities (methods.md §3):
/// <c>L = Σ_v m_v Σ_c (p_s − p_t)² / (K · Σ_v m_v + 1e-16)</c> over every voxel v of the batch, with K the number of
/// classes (2 in the paper's formula, where the factor reads "2 Σ m"). The teacher probabilities carry no gradient.
/// </summary>
/// <remarks>An all-zero mask gives 0 (the 1e-16 guard), not NaN. A mask of ones is the plain mean-teacher MSE.</remarks>
public static class MaskedConsistencyLoss
{
    /// <summary>The guard added to the denominator.</summary>
    public const double Guard = 1e-16;

    /// <summary>The loss of student <paramref name="student"/> vs teacher <paramref name="teacher"/> probabilities [N, K, ...] under <paramref name="mask"/> [N, 1, ...] (0/1).</summary>
    public static Tensor Compute(Tensor student, Tensor teacher, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(mask);
        if (!student.Shape.SequenceEqual(teacher.Shape))
            throw new ArgumentException($"student [{string.Join(", ", student.Shape)}] and teacher [{string.Join(", ", teacher.Shape)}] probabilities differ in shape");
        using var scope = DisposeScope.Open();
        var diff = student - teacher.Detach();
        var m = mask.To(student.DType);
        var loss = (m * diff * diff).Sum() / (m.Sum() * (double)student.Size(1) + Guard);
        return scope.MoveToOuter(loss);
    }
}
