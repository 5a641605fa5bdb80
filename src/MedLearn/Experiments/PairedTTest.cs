namespace MedLearn.Experiments;

/// <summary>
/// Paired two-sided Student t-test (scipy.stats.ttest_rel): differences d_i = a_i − b_i, n pairs,
/// <c>t = mean(d) / (sd(d) / √n)</c> with the sample standard deviation (n − 1), n − 1 degrees of freedom,
/// <c>p = I_{ν/(ν+t²)}(ν/2, 1/2)</c> (two-sided tail of Student's t).
/// </summary>
/// <remarks>
/// Edge cases: fewer than 2 pairs → t and p NaN (undefined); every difference 0 → t = 0, p = 1 (scipy gives NaN);
/// all differences equal and non-zero (sd = 0, or below 1e-12 · |mean| from decimal round-off) → t = ±∞, p = 0. Assumes the differences are roughly normal — with
/// a handful of seeds that cannot be checked, so the exact rank and sign tests are reported beside it.
/// </remarks>
public static class PairedTTest
{
    /// <summary>The test of a − b.</summary>
    /// <exception cref="ArgumentException">The two lists differ in length or hold NaN.</exception>
    public static PairedTestResult Compute(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var d = PairedDifferences.Of(a, b);
        var n = d.Length;
        if (n < 2) return new("paired t", double.NaN, double.NaN, n, 0);
        var mean = d.Average();
        var sd = Math.Sqrt(d.Sum(x => (x - mean) * (x - mean)) / (n - 1));
        if (sd <= 1e-12 * Math.Abs(mean))
            return mean == 0 ? new("paired t", 0, 1, n, 0) : new("paired t", mean > 0 ? double.PositiveInfinity : double.NegativeInfinity, 0, n, 0);
        var t = mean / (sd / Math.Sqrt(n));
        var df = n - 1.0;
        var p = SpecialFunctions.RegularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
        return new("paired t", t, Math.Clamp(p, 0, 1), n, 0);
    }
}
