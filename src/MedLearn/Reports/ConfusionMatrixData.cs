namespace MedLearn.Reports;

/// <summary>Confusion-matrix counts: rows are true classes, columns predicted classes.</summary>
/// <param name="ClassNames">C class names.</param>
/// <param name="Counts">C rows of C counts; <c>Counts[t][p]</c> = items of true class t predicted as p.</param>
public sealed record ConfusionMatrixData(IReadOnlyList<string> ClassNames, IReadOnlyList<IReadOnlyList<long>> Counts);
