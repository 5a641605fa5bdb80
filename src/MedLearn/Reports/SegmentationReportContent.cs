namespace MedLearn.Reports;

/// <summary>What a <see cref="SegmentationReportPage"/> shows. Absent parts render a "not available" note.</summary>
public sealed record SegmentationReportContent
{
    /// <summary>Page title.</summary>
    public string Title { get; init; } = "Segmentation report";

    /// <summary>Run folder name.</summary>
    public string? RunName { get; init; }

    /// <summary>Run folder path.</summary>
    public string? RunPath { get; init; }

    /// <summary>Headline tiles (name, value text), shown in order.</summary>
    public IReadOnlyList<(string Name, string Value)> Headline { get; init; } = [];

    /// <summary>Iterations (x) of the training curves.</summary>
    public IReadOnlyList<double> Iterations { get; init; } = [];

    /// <summary>Training loss curves by name (y per iteration; NaN = not logged).</summary>
    public IReadOnlyList<(string Name, IReadOnlyList<double> Values)> Losses { get; init; } = [];

    /// <summary>Validation Dice per iteration (NaN where no validation ran); empty = no validation.</summary>
    public IReadOnlyList<double> ValidationDice { get; init; } = [];

    /// <summary>Per-case rows: case, the eight metrics (dice, jaccard, hd95/asd/assd in mm, hd95/asd/assd in voxels), empty-mask rule.</summary>
    public IReadOnlyList<(string Case, double[] Values, string Rule)> Cases { get; init; } = [];

    /// <summary>Montage PNG bytes by case (image | truth | prediction | uncertainty).</summary>
    public IReadOnlyList<(string Case, byte[] Png)> Montages { get; init; } = [];

    /// <summary>Run settings (JSON text), shown verbatim.</summary>
    public string? Configuration { get; init; }
}
