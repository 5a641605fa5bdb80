namespace MedLearn.Data.Datasets;

/// <summary>How <see cref="ManifestDataset"/> validates a manifest.</summary>
public sealed record ManifestOptions
{
    /// <summary>
    /// The class list (label = position in it). When given, a row whose label is not in it is an error and
    /// classes that never occur still get their index; null = the distinct labels found, sorted.
    /// </summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>Check that every image and mask file exists (default true).</summary>
    public bool CheckFiles { get; init; } = true;

    /// <summary>
    /// Every row must have a label (supervised training): an empty label cell is an error naming the row
    /// (unlabeled rows belong to semi-supervised training). Default false.
    /// </summary>
    public bool RequireLabels { get; init; }
}
