namespace MedLearn.Reports.Charts;

/// <summary>
/// Options of <see cref="ConfusionMatrixChart"/>. The chart's size follows from the cell size and the label widths;
/// <see cref="ChartOptions.Width"/> and <see cref="ChartOptions.Height"/> are ignored.
/// </summary>
public sealed record ConfusionMatrixChartOptions : ChartOptions
{
    /// <summary>Side of a cell in pixels, or null for <c>clamp(420 / C, 24, 84)</c>.</summary>
    public double? CellSize { get; init; }

    /// <summary>Label of the columns (predicted classes).</summary>
    public string XLabel { get; init; } = "Predicted class";

    /// <summary>Label of the rows (true classes).</summary>
    public string YLabel { get; init; } = "True class";

    /// <summary>Colour map of the row-normalised fraction; null for <see cref="ColourMap.Blues"/>.</summary>
    public ColourMap? ColourMap { get; init; }
}
