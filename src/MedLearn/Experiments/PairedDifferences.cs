namespace MedLearn.Experiments;

/// <summary>Validated differences a_i − b_i of two paired samples.</summary>
internal static class PairedDifferences
{
    public static double[] Of(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count) throw new ArgumentException($"paired samples need the same length ({a.Count} vs {b.Count})");
        if (a.Any(double.IsNaN) || b.Any(double.IsNaN)) throw new ArgumentException("paired samples hold NaN");
        return [.. a.Zip(b, (x, y) => x - y)];
    }

    /// <summary>The differences without the zero ones (|d| ≤ 1e-12, so decimal round-off counts as a tie at 0).</summary>
    public static double[] NonZero(IReadOnlyList<double> a, IReadOnlyList<double> b) => [.. Of(a, b).Where(x => Math.Abs(x) > 1e-12)];
}
