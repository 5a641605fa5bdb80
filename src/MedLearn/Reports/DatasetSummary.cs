namespace MedLearn.Reports;

/// <summary>What the run was trained and evaluated on: class names and per-split class counts.</summary>
/// <param name="ClassNames">Class names in label order.</param>
/// <param name="Splits">Counts per split (each with one count per class); may be empty.</param>
public sealed record DatasetSummary(IReadOnlyList<string> ClassNames, IReadOnlyList<SplitCounts> Splits)
{
    /// <summary>Dataset name or source description shown above the table, or null.</summary>
    public string? Description { get; init; }
}
