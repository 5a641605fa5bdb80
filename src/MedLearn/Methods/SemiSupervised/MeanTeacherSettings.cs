namespace MedLearn.Methods.SemiSupervised;

/// <summary>
/// The loss and teacher settings of <see cref="MeanTeacherTask"/>; defaults are method 1's:
/// <c>loss = CE(labeled) + λ(e) · L_pred + λ(e) · β · L_rel</c> with <c>λ(e) = w · sigmoid_rampup(e, 30)</c>, w = 1,
/// β = 1, consistency from epoch 0, over the whole batch, EMA decay 0.99, batch-norm buffers not averaged.
/// </summary>
public sealed record MeanTeacherSettings
{
    /// <summary>Which losses are used (supervised = CE only, no teacher; mean-teacher = + L_pred; src-mt = + L_pred + L_rel).</summary>
    public SemiSupervisedMethod Method { get; init; } = SemiSupervisedMethod.SrcMt;

    /// <summary>w, the consistency weight reached at the end of the ramp-up.</summary>
    public double ConsistencyWeight { get; init; } = 1.0;

    /// <summary>β, the weight of the relation loss relative to the prediction loss.</summary>
    public double RelationWeight { get; init; } = 1.0;

    /// <summary>Length L of the sigmoid ramp-up of λ in epochs (0 = no ramp-up).</summary>
    public double RampUpEpochs { get; init; } = 30;

    /// <summary>First 0-based epoch with consistency losses; before it λ = 0 and only the cross-entropy trains (the
    /// reference code's <c>epoch &gt; 20</c> is 21 here).</summary>
    public int ConsistencyStartEpoch { get; init; }

    /// <summary>Samples the consistency losses see: the whole batch (default) or only its unlabeled samples.</summary>
    public ConsistencyScope Scope { get; init; } = ConsistencyScope.WholeBatch;

    /// <summary>Upper bound of the EMA weight (see <see cref="EmaTeacher"/>).</summary>
    public double EmaDecay { get; init; } = EmaTeacher.DefaultDecay;

    /// <summary>What the EMA update does with batch-norm buffers.</summary>
    public BatchNormBufferPolicy BufferPolicy { get; init; } = BatchNormBufferPolicy.NotAveraged;

    /// <summary>Per-class weights of L_pred (C values), or null for none.</summary>
    public IReadOnlyList<double>? ConsistencyClassWeights { get; init; }

    /// <summary>Per-class weights of the cross-entropy (C values, e.g. inverse frequency), or null.</summary>
    public IReadOnlyList<double>? ClassWeights { get; init; }

    /// <summary>Feed L_rel the features after the head's dropout (the reference code) instead of before it (the paper, default).</summary>
    public bool RelationFeaturesAfterDropout { get; init; }

    /// <summary>λ(e): 0 before <see cref="ConsistencyStartEpoch"/>, else w · sigmoid_rampup(e, L); 0 for the supervised method.</summary>
    public double ConsistencyWeightAt(int epoch) =>
        Method == SemiSupervisedMethod.Supervised || epoch < ConsistencyStartEpoch ? 0.0 : ConsistencyWeight * SigmoidRampUp.Value(epoch, RampUpEpochs);

    /// <summary>Checks the ranges; the message names the configuration key.</summary>
    /// <param name="classes">Number of classes the per-class weights must match, or null to check only their values.</param>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate(int? classes = null)
    {
        static void Check(bool ok, string message)
        {
            if (!ok) throw new ArgumentException(message);
        }
        Check(ConsistencyWeight >= 0 && double.IsFinite(ConsistencyWeight), $"consistency-weight: must be a finite number >= 0 (got {ConsistencyWeight})");
        Check(RelationWeight >= 0 && double.IsFinite(RelationWeight), $"relation-weight: must be a finite number >= 0 (got {RelationWeight})");
        Check(RampUpEpochs >= 0 && double.IsFinite(RampUpEpochs), $"rampup-epochs: must be >= 0 (got {RampUpEpochs})");
        Check(ConsistencyStartEpoch >= 0, $"consistency-start-epoch: must be >= 0 (got {ConsistencyStartEpoch})");
        Check(EmaDecay is >= 0 and <= 1, $"ema-decay: must be in [0, 1] (got {EmaDecay})");
        Check(ConsistencyClassWeights is null || (classes is null || ConsistencyClassWeights.Count == classes) && ConsistencyClassWeights.All(w => w >= 0 && double.IsFinite(w)),
            $"consistency-class-weights: need {(classes is int c ? c.ToString(System.Globalization.CultureInfo.InvariantCulture) : "one per class")} finite values >= 0 (got [{string.Join(", ", ConsistencyClassWeights ?? [])}])");
        Check(ClassWeights is null || (classes is null || ClassWeights.Count == classes) && ClassWeights.All(w => w >= 0 && double.IsFinite(w)),
            $"class weights: need one finite value >= 0 per class");
    }
}
