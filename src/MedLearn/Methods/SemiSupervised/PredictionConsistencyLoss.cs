using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Methods.SemiSupervised;

/// <summary>
/// Prediction consistency of the mean teacher (L_pred): the squared difference of the student's and the teacher's
/// class probabilities, summed over classes and averaged over the B samples,
/// <c>L_pred = (1/B) · Σ_i Σ_c w_c · (softmax(z_s)_ic − softmax(z_t)_ic)²</c>, with w_c = 1 unless per-class
/// weights are given.
/// </summary>
/// <remarks>
/// <para>The teacher side is a constant: its logits are detached, so the gradient flows into the student only, even
/// when the teacher's logits were computed with autograd on (a well-known mean-teacher implementation bug left this
/// loss without any gradient path; the tests check both directions).</para>
/// <para>Computed in float32 (logits from a bf16 autocast region are up-cast). Edge cases: B = 0 gives 0; NaN
/// logits give NaN (the trainer then stops on the non-finite loss).</para>
/// </remarks>
public static class PredictionConsistencyLoss
{
    /// <summary>L_pred of student logits <paramref name="student"/> and teacher logits <paramref name="teacher"/>, both [B, C].</summary>
    /// <param name="student">Student logits [B, C] (gradient flows here).</param>
    /// <param name="teacher">Teacher logits [B, C] (treated as constants).</param>
    /// <param name="classWeights">Optional per-class weights w_c (C values, ≥ 0), or null for 1.</param>
    /// <returns>A 0-dimensional float32 tensor in the caller's dispose scope.</returns>
    /// <exception cref="ArgumentException">Shapes differ or are not [B, C]; weights of the wrong count or negative.</exception>
    public static Tensor Compute(Tensor student, Tensor teacher, IReadOnlyList<double>? classWeights = null)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        if (student.Dim != 2 || !student.Shape.SequenceEqual(teacher.Shape))
            throw new ArgumentException($"prediction consistency needs student and teacher logits of the same shape [B, C]; got [{string.Join(", ", student.Shape)}] and [{string.Join(", ", teacher.Shape)}]");
        var (b, c) = (student.Size(0), student.Size(1));
        if (classWeights is not null && (classWeights.Count != c || classWeights.Any(w => !(w >= 0) || double.IsInfinity(w))))
            throw new ArgumentException($"consistency class weights: need {c} finite values >= 0, got [{string.Join(", ", classWeights)}]");
        if (b == 0) return torch.Zeros([], DType.Float32);
        var ps = Functional.Softmax(student.To(DType.Float32), 1);
        var pt = Functional.Softmax(teacher.Detach().To(DType.Float32), 1);
        var squared = (ps - pt).Square();
        if (classWeights is not null) squared = squared * torch.FromArray([.. classWeights.Select(w => (float)w)], 1, c);
        return squared.Sum() / b;
    }
}
