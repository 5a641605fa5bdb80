namespace MedLearn.Metrics;

/// <summary>Order statistics as numpy computes them (the default "linear" method).</summary>
internal static class Percentile
{
    /// <summary>
    /// numpy's <c>percentile(values, 100 q)</c>, method "linear": position h = (n − 1) q in the sorted values,
    /// interpolated between the neighbours with numpy's <c>_lerp</c> (which evaluates from the upper neighbour when the
    /// fraction is ≥ 0.5).
    /// </summary>
    public static double Linear(double[] sorted, double q)
    {
        var n = sorted.Length;
        var h = (n - 1) * q;
        var lo = (int)Math.Floor(h);
        if (lo >= n - 1) return sorted[n - 1];
        if (lo < 0) return sorted[0];
        var t = h - lo;
        var (a, b) = (sorted[lo], sorted[lo + 1]);
        var d = b - a;
        return t >= 0.5 ? b - d * (1 - t) : a + d * t;
    }

    /// <summary>numpy's <c>median</c>: the middle value, or the mean of the two middle values for even n.</summary>
    public static double Median(double[] sorted)
    {
        var n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
