namespace MedLearn.Methods.SemiSupervised;

/// <summary>
/// What a semi-supervised run trained with (<c>semi.json</c> in its run folder): the method asked for and the one run
/// (they differ when there were no unlabeled images), the labeled fraction and counts, the batch composition and any
/// warnings.
/// </summary>
/// <param name="RequestedMethod">The configured method (kebab-case: supervised, mean-teacher, src-mt).</param>
/// <param name="Method">The method that ran.</param>
/// <param name="LabeledFraction">Labeled fraction of the training split: the configured one, or the manifest's when its labeled column fixes the set.</param>
/// <param name="Classes">Class names.</param>
/// <param name="LabeledPerClass">Labeled training images per class.</param>
/// <param name="UnlabeledPerClass">Unlabeled training images per class (their labels are never used in training).</param>
/// <param name="LabeledBatchSize">Labeled images per batch.</param>
/// <param name="UnlabeledBatchSize">Unlabeled images per batch (0 for the supervised method).</param>
/// <param name="LabeledRepeats">Passes over the labeled images per epoch.</param>
/// <param name="BatchesPerEpoch">Optimiser steps per epoch.</param>
/// <param name="Warnings">Warnings raised while setting up (e.g. the fallback to supervised).</param>
/// <param name="UnlabeledWithoutLabel">Unlabeled training images that have no label at all (empty label cell), not in <paramref name="UnlabeledPerClass"/>.</param>
/// <param name="LabeledSet">Who chose the labeled images: "labeled-fraction" (a stratified, seeded fraction) or "manifest" (its labeled column).</param>
public sealed record SemiSupervisedSummary(string RequestedMethod, string Method, double LabeledFraction, IReadOnlyList<string> Classes,
    IReadOnlyList<long> LabeledPerClass, IReadOnlyList<long> UnlabeledPerClass, int LabeledBatchSize, int UnlabeledBatchSize, int LabeledRepeats,
    int BatchesPerEpoch, IReadOnlyList<string> Warnings, long UnlabeledWithoutLabel = 0, string LabeledSet = "labeled-fraction")
{
    /// <summary>File name in a run folder.</summary>
    public const string FileName = "semi.json";

    /// <summary>w: the configured full consistency weight (0 when the method that ran is supervised).</summary>
    public double ConsistencyWeight { get; init; }

    /// <summary>
    /// λ of the last epoch, w · sigmoid_rampup(epochs − 1, rampup-epochs) (0 before consistency-start-epoch): the weight
    /// the consistency losses actually reached. Below <see cref="ConsistencyWeight"/> when the ramp-up is longer than
    /// training (then <see cref="Warnings"/> says so). Null in semi.json files written before it was recorded.
    /// </summary>
    public double? ConsistencyWeightReached { get; init; }

    /// <summary>Labeled training images.</summary>
    public long Labeled => LabeledPerClass.Sum();

    /// <summary>Unlabeled training images (with or without a label).</summary>
    public long Unlabeled => UnlabeledPerClass.Sum() + UnlabeledWithoutLabel;
}
