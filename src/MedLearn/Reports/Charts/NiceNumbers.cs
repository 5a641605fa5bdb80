namespace MedLearn.Reports.Charts;

/// <summary>
/// Heckbert's "nice numbers" (Graphics Gems, 1990): the values 1, 2, 5 and 10 times a power of ten, used for axis
/// ranges and tick steps humans read easily.
/// </summary>
public static class NiceNumbers
{
    /// <summary>
    /// A nice number near <paramref name="x"/> (&gt; 0). With <paramref name="round"/> the closest of
    /// {1, 2, 5, 10}·10^k (thresholds 1.5, 3, 7 on the mantissa); without it, the smallest one ≥ x.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="x"/> is not finite and positive.</exception>
    public static double Nice(double x, bool round)
    {
        if (!double.IsFinite(x) || x <= 0) throw new ArgumentOutOfRangeException(nameof(x), x, "must be finite and > 0");
        var exponent = (int)Math.Floor(Math.Log10(x));
        var power = Pow10(exponent);
        var fraction = x / power;
        double nice = round
            ? fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
            : fraction <= 1 + 1e-12 ? 1 : fraction <= 2 + 1e-12 ? 2 : fraction <= 5 + 1e-12 ? 5 : 10;
        return exponent >= 0 ? nice * power : nice / Pow10(-exponent);
    }

    /// <summary>
    /// Decimals needed to print multiples of <paramref name="step"/> (a nice 1/2/5·10^k step) exactly:
    /// <c>max(0, −floor(log10(step)))</c>, capped at 15.
    /// </summary>
    public static int DecimalsFor(double step)
    {
        if (!double.IsFinite(step) || step <= 0) return 0;
        return Math.Clamp(-(int)Math.Floor(Math.Log10(step) + 1e-9), 0, 15);
    }

    /// <summary>10^<paramref name="exponent"/> computed exactly for |exponent| ≤ 22.</summary>
    internal static double Pow10(int exponent)
    {
        if (exponent < 0) return 1 / Pow10(-exponent);
        double r = 1;
        for (var i = 0; i < exponent; i++) r *= 10;
        return r;
    }
}
