namespace MedLearn.Reports.Charts;

/// <summary>Options of <see cref="LineChart"/>.</summary>
public sealed record LineChartOptions : ChartOptions
{
    /// <summary>Label under the x axis, or null.</summary>
    public string? XLabel { get; init; }

    /// <summary>Label left of the y axis (rotated), or null.</summary>
    public string? YLabel { get; init; }

    /// <summary>Logarithmic y axis; values ≤ 0 are then treated as gaps.</summary>
    public bool LogY { get; init; }

    /// <summary>A value the y axis always includes (e.g. 0 for losses), or null.</summary>
    public double? YMin { get; init; }

    /// <summary>A value the y axis always includes (e.g. 1 for accuracies), or null.</summary>
    public double? YMax { get; init; }

    /// <summary>x ticks at integers only (epochs).</summary>
    public bool IntegerX { get; init; }

    /// <summary>Draw a marker at every point: true, false, or null for "when a series has at most 40 points".</summary>
    public bool? Markers { get; init; }
}
