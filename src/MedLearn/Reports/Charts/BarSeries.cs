namespace MedLearn.Reports.Charts;

/// <summary>One named series of a <see cref="BarChart"/>: one value per category (NaN: no bar, "n/a").</summary>
/// <param name="Name">Legend label.</param>
/// <param name="Values">One value per category, in category order.</param>
public sealed record BarSeries(string Name, IReadOnlyList<double> Values)
{
    /// <summary>Bar colour, or null for the palette colour of the series' position.</summary>
    public Colour? Colour { get; init; }
}
