using MedLearn.Methods.Supervised;

namespace MedLearn.Methods.SemiSupervised;

/// <summary>The outcome of <see cref="SemiSupervisedTraining.Run"/>.</summary>
/// <param name="Classification">Run folder, how training ended, held-out metrics of the exported student (null when training did not finish), latency.</param>
/// <param name="Semi">Method, labeled/unlabeled counts and warnings.</param>
public sealed record SemiSupervisedRun(ClassificationRun Classification, SemiSupervisedSummary Semi);
