namespace MedLearn.Reports.Charts;

/// <summary>Size and title shared by every chart. Sizes are CSS pixels (the SVG's width, height and viewBox).</summary>
public record ChartOptions
{
    /// <summary>Width of the SVG (&gt; 0).</summary>
    public int Width { get; init; } = 560;

    /// <summary>Height of the SVG (&gt; 0).</summary>
    public int Height { get; init; } = 340;

    /// <summary>Title drawn above the plot, or null for none.</summary>
    public string? Title { get; init; }
}
