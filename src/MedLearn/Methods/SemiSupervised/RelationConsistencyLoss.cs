using MedLearn.Torch;

namespace MedLearn.Methods.SemiSupervised;

/// <summary>
/// Sample-relation (semantic-structure) consistency of SRC-MT (L_rel): the B × B Gram matrix of the features,
/// <c>G = F Fᵀ</c> from F [B, D], each row divided by its L2 norm, <c>R_i = G_i / ‖G_i‖₂</c>; the same for the teacher's
/// features (R'); <c>L_rel = (1/B) · Σ_ij (R_ij − R'_ij)²</c>.
/// </summary>
/// <remarks>
/// <para>Features of more than two dimensions are flattened to [B, D] first. The teacher side is detached (no gradient
/// into the teacher). Computed in float32.</para>
/// <para>Edge cases: a row of G whose norm is below 1e-12 (an all-zero feature vector) is divided by 1e-12 instead
/// (torch.nn.functional.normalize's rule), so it stays 0 instead of becoming NaN; B = 0 gives 0; NaN features give NaN.</para>
/// </remarks>
public static class RelationConsistencyLoss
{
    /// <summary>The floor of a row norm of G (see remarks).</summary>
    public const double NormEpsilon = 1e-12;

    /// <summary>L_rel of student features <paramref name="student"/> and teacher features <paramref name="teacher"/>, both [B, D].</summary>
    /// <returns>A 0-dimensional float32 tensor in the caller's dispose scope.</returns>
    /// <exception cref="ArgumentException">The shapes differ or have fewer than two dimensions.</exception>
    public static Tensor Compute(Tensor student, Tensor teacher)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        if (student.Dim < 2 || !student.Shape.SequenceEqual(teacher.Shape))
            throw new ArgumentException($"relation consistency needs student and teacher features of the same shape [B, D, ...]; got [{string.Join(", ", student.Shape)}] and [{string.Join(", ", teacher.Shape)}]");
        var b = student.Size(0);
        if (b == 0) return torch.Zeros([], DType.Float32);
        var rs = RelationMatrix(student.To(DType.Float32));
        var rt = RelationMatrix(teacher.Detach().To(DType.Float32));
        return (rs - rt).Square().Sum() / b;
    }

    /// <summary>R = row-normalised F Fᵀ of features [B, ...] (flattened to [B, D]).</summary>
    public static Tensor RelationMatrix(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var f = features.Reshape(features.Size(0), -1);
        var gram = f.Mm(f.Transpose(0, 1));
        return gram / gram.Norm(2, 1, keepdim: true).Clamp(NormEpsilon);
    }
}
