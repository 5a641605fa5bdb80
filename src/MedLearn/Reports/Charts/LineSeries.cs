namespace MedLearn.Reports.Charts;

/// <summary>One named series of a <see cref="LineChart"/>: points (X[i], Y[i]) in the given order.</summary>
/// <param name="Name">Legend label.</param>
/// <param name="X">x values.</param>
/// <param name="Y">y values, same count as <paramref name="X"/>; NaN (or ≤ 0 on a log axis) leaves a gap.</param>
public sealed record LineSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    /// <summary>Line colour, or null for the palette colour of the series' position.</summary>
    public Colour? Colour { get; init; }

    /// <summary>Draw the line dashed (e.g. training vs. validation).</summary>
    public bool Dashed { get; init; }
}
