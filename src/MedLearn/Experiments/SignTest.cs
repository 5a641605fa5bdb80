namespace MedLearn.Experiments;

/// <summary>
/// Exact two-sided sign test of paired samples: zero differences are dropped, k = number of positive differences
/// among the n others, <c>p = min(1, 2 · P(X ≤ min(k, n − k)))</c> with X ~ Binomial(n, 1/2).
/// </summary>
/// <remarks>Edge cases: no non-zero difference → p = 1. The smallest attainable p-value is 2/2^n (0.25 for 3 seeds).</remarks>
public static class SignTest
{
    /// <summary>The test of a − b (statistic = positive differences).</summary>
    public static PairedTestResult Compute(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var d = PairedDifferences.NonZero(a, b);
        var n = d.Length;
        if (n == 0) return new("sign (exact)", 0, 1, 0, 1);
        var k = d.Count(x => x > 0);
        // Σ_{i ≤ min(k, n−k)} C(n, i) / 2^n, with C(n, i) = C(n, i−1) · (n − i + 1) / i (exact in doubles for the seed counts used).
        var tail = 0.0;
        var choose = 1.0;
        for (var i = 0; i <= Math.Min(k, n - k); i++)
        {
            if (i > 0) choose = choose * (n - i + 1) / i;
            tail += choose;
        }
        return new("sign (exact)", k, Math.Min(1, 2 * tail / Math.Pow(2, n)), n, Math.Min(1, 2 / Math.Pow(2, n)));
    }
}
