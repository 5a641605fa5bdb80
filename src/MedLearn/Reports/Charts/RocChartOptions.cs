namespace MedLearn.Reports.Charts;

/// <summary>Options of <see cref="RocChart"/>. The plot area is square whatever the size.</summary>
public sealed record RocChartOptions : ChartOptions
{
    /// <summary>Defaults to a 460 × 460 chart.</summary>
    public RocChartOptions()
    {
        Width = 460;
        Height = 460;
    }

    /// <summary>Label of the x axis.</summary>
    public string XLabel { get; init; } = "False positive rate (1 − specificity)";

    /// <summary>Label of the y axis.</summary>
    public string YLabel { get; init; } = "True positive rate (sensitivity)";
}
