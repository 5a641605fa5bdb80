namespace MedLearn.Methods.SemiSupervised;

/// <summary>The three arms of the ablation of method 1 (same split, seed, model and schedule).</summary>
public enum SemiSupervisedMethod
{
    /// <summary>Cross-entropy on the labeled images only; the unlabeled images are not used.</summary>
    Supervised,

    /// <summary>Mean teacher: cross-entropy + λ(e) · prediction consistency (L_pred) with an EMA teacher.</summary>
    MeanTeacher,

    /// <summary>SRC-MT: cross-entropy + λ(e) · L_pred + λ(e) · β · sample-relation consistency (L_rel).</summary>
    SrcMt,
}
