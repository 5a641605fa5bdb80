namespace MedLearn.Reports.Charts;

/// <summary>Options of <see cref="BarChart"/>.</summary>
public sealed record BarChartOptions : ChartOptions
{
    /// <summary>Label under the categories, or null.</summary>
    public string? XLabel { get; init; }

    /// <summary>Label of the value axis (rotated), or null.</summary>
    public string? YLabel { get; init; }

    /// <summary>A value the y axis always includes (besides 0), e.g. 1 for metrics in [0, 1]; or null.</summary>
    public double? YMax { get; init; }

    /// <summary>Print each bar's value above it: true, false, or null for "when there are at most 24 bars".</summary>
    public bool? ValueLabels { get; init; }

    /// <summary>Decimals of the value labels.</summary>
    public int ValueDecimals { get; init; } = 2;
}
