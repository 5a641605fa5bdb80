namespace MedLearn.Reports.Charts;

/// <summary>
/// One receiver operating characteristic curve (one-vs-rest for a class): points (Fpr[i], Tpr[i]) in order of
/// decreasing threshold, and the area under it.
/// </summary>
/// <param name="Name">Class (or curve) name shown in the legend.</param>
/// <param name="Fpr">False positive rates in [0, 1], non-decreasing.</param>
/// <param name="Tpr">True positive rates in [0, 1], same count as <paramref name="Fpr"/>.</param>
/// <param name="Auc">Area under the curve; NaN when undefined (a class without positives or negatives).</param>
public sealed record RocCurve(string Name, IReadOnlyList<double> Fpr, IReadOnlyList<double> Tpr, double Auc);
