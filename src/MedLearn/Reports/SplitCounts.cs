namespace MedLearn.Reports;

/// <summary>Number of items per class in one split of the dataset.</summary>
/// <param name="Split">Split name ("train", "val", "test", ...).</param>
/// <param name="PerClass">One count per class, in the order of <see cref="DatasetSummary.ClassNames"/>.</param>
public sealed record SplitCounts(string Split, IReadOnlyList<long> PerClass);
