using System.Globalization;

namespace MedLearn.Reports.Charts;

/// <summary>
/// A numeric axis: its range [<see cref="Min"/>, <see cref="Max"/>], its tick values and the mapping of a value to a
/// fraction of the axis length. Linear axes use nice 1/2/5·10^k steps whose first and last ticks are the range ends,
/// so the ticks always cover the data; logarithmic axes run over whole decades.
/// </summary>
public sealed class Axis
{
    private readonly int _decimals;

    private Axis(double min, double max, bool log, IReadOnlyList<double> ticks, int decimals)
    {
        Min = min;
        Max = max;
        IsLog = log;
        Ticks = ticks;
        _decimals = decimals;
    }

    /// <summary>Lower end of the axis (a tick value).</summary>
    public double Min { get; }

    /// <summary>Upper end of the axis (a tick value).</summary>
    public double Max { get; }

    /// <summary>True for a base-10 logarithmic axis.</summary>
    public bool IsLog { get; }

    /// <summary>Tick values in increasing order; the first is <see cref="Min"/> and the last is <see cref="Max"/>.</summary>
    public IReadOnlyList<double> Ticks { get; }

    /// <summary>
    /// A linear axis covering [<paramref name="dataMin"/>, <paramref name="dataMax"/>] with about
    /// <paramref name="targetTicks"/> ticks (Heckbert's loose labelling): range = nice(max − min) (rounded up);
    /// step = nice(range / (t − 1)) (rounded to nearest) for t = n−2 .. n+3, choosing the step that leaves the least
    /// empty room around the data (plus a small penalty per tick away from n; fewer than 3 or more than
    /// n+3 ticks only as a last resort); ends = floor(min/step)·step and ceil(max/step)·step. Edge cases: non-finite bounds
    /// give [0, 1]; swapped bounds are reordered; a zero-width range is widened by 10 % of |value| each side
    /// (or to [0, 1] around 0).
    /// </summary>
    /// <param name="dataMin">Smallest value to show.</param>
    /// <param name="dataMax">Largest value to show.</param>
    /// <param name="targetTicks">Desired tick count (≥ 2).</param>
    /// <param name="integerSteps">Never use a step below 1 (epochs, counts).</param>
    public static Axis Linear(double dataMin, double dataMax, int targetTicks = 5, bool integerSteps = false)
    {
        if (!double.IsFinite(dataMin) || !double.IsFinite(dataMax)) (dataMin, dataMax) = (0, 1);
        if (dataMin > dataMax) (dataMin, dataMax) = (dataMax, dataMin);
        if (dataMin == dataMax)
        {
            if (dataMin == 0) (dataMin, dataMax) = (0, 1);
            else
            {
                var pad = Math.Abs(dataMin) * 0.1;
                (dataMin, dataMax) = (dataMin - pad, dataMax + pad);
            }
        }
        targetTicks = Math.Max(2, targetTicks);
        var range = NiceNumbers.Nice(dataMax - dataMin, round: false);
        // Candidate steps nice(range / (t - 1)) for t = n - 2 .. n + 3 ticks; keep the one whose axis wastes the least room
        // around the data (range / data span), with a small penalty per tick away from the target count.
        double best = double.PositiveInfinity, step = 0, first = 0, last = 0;
        for (var t = Math.Max(2, targetTicks - 2); t <= targetTicks + 3; t++)
        {
            var s = NiceNumbers.Nice(range / (t - 1), round: true);
            if (integerSteps && s < 1) s = 1;
            var f = Math.Floor(dataMin / s + 1e-9);
            var l = Math.Ceiling(dataMax / s - 1e-9);
            if (l <= f) l = f + 1;
            var count = l - f + 1;
            var score = (l - f) * s / (dataMax - dataMin)
                + (count < targetTicks ? 0.3 : 0.2) * Math.Abs(count - targetTicks) / targetTicks
                + (count > targetTicks + 3 || count < 3 ? 1000 : 0); // too crowded or too bare: only if nothing else fits
            if (score < best - 1e-9)
                (best, step, first, last) = (score, s, f, l);
        }
        var decimals = NiceNumbers.DecimalsFor(step);
        var ticks = new List<double>();
        for (var k = first; k <= last + 0.5; k++) ticks.Add(Clean(k * step, decimals));
        return new Axis(ticks[0], ticks[^1], false, ticks, decimals);
    }

    /// <summary>
    /// A linear axis over exactly [<paramref name="min"/>, <paramref name="max"/>] with ticks every
    /// <paramref name="step"/> (e.g. 0..1 by 0.2 for ROC plots).
    /// </summary>
    public static Axis Fixed(double min, double max, double step)
    {
        if (!(max > min) || !(step > 0) || !double.IsFinite(min) || !double.IsFinite(max))
            throw new ArgumentException($"need finite min < max and step > 0, got [{min}, {max}] step {step}");
        var decimals = NiceNumbers.DecimalsFor(step);
        var count = (int)Math.Round((max - min) / step);
        var ticks = new List<double>(count + 1);
        for (var i = 0; i <= count; i++) ticks.Add(Clean(min + i * step, decimals));
        ticks[^1] = max;
        return new Axis(min, max, false, ticks, decimals);
    }

    /// <summary>
    /// A base-10 logarithmic axis from 10^floor(log10 min) to 10^ceil(log10 max) (at least one decade). Ticks at
    /// every decade (every k-th when there are more than 8), plus 2× and 5× when the axis spans at most two decades.
    /// Non-positive or non-finite bounds fall back to [1, 10] (bounds are the smallest/largest positive data).
    /// </summary>
    public static Axis Logarithmic(double dataMin, double dataMax)
    {
        if (!(dataMin > 0) || !double.IsFinite(dataMin)) dataMin = dataMax > 0 && double.IsFinite(dataMax) ? dataMax : 1;
        if (!(dataMax > 0) || !double.IsFinite(dataMax)) dataMax = dataMin;
        if (dataMin > dataMax) (dataMin, dataMax) = (dataMax, dataMin);
        var lo = (int)Math.Floor(Math.Log10(dataMin) + 1e-9);
        var hi = (int)Math.Ceiling(Math.Log10(dataMax) - 1e-9);
        if (hi <= lo) hi = lo + 1;
        var decades = hi - lo;
        var every = decades > 8 ? (int)Math.Ceiling(decades / 8.0) : 1;
        var ticks = new List<double>();
        for (var e = lo; e <= hi; e++)
        {
            if ((e - lo) % every == 0 || e == hi) ticks.Add(NiceNumbers.Pow10(e));
            if (decades <= 2 && e < hi)
            {
                ticks.Add(2 * NiceNumbers.Pow10(e));
                ticks.Add(5 * NiceNumbers.Pow10(e));
            }
        }
        return new Axis(NiceNumbers.Pow10(lo), NiceNumbers.Pow10(hi), true, ticks, Math.Clamp(-lo, 0, 15));
    }

    /// <summary>
    /// Position of <paramref name="value"/> along the axis: 0 at <see cref="Min"/>, 1 at <see cref="Max"/>
    /// (outside values extrapolate). Linear: <c>(v − min)/(max − min)</c>; log: <c>(log10 v − log10 min)/(log10 max − log10 min)</c>,
    /// NaN for v ≤ 0.
    /// </summary>
    public double Fraction(double value)
    {
        if (!IsLog) return (value - Min) / (Max - Min);
        if (!(value > 0)) return double.NaN;
        return (Math.Log10(value) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min));
    }

    /// <summary>True when <paramref name="value"/> can be drawn on this axis (finite, and positive for a log axis).</summary>
    public bool CanShow(double value) => double.IsFinite(value) && (!IsLog || value > 0);

    /// <summary>
    /// The tick label for <paramref name="value"/>: invariant culture with as many decimals as the step needs;
    /// magnitudes ≥ 10^6, or below 10^-3 on a log axis, use <c>1e6</c> / <c>1e-4</c> style.
    /// </summary>
    public string Format(double value)
    {
        if (value == 0) return "0";
        var magnitude = Math.Abs(value);
        if (magnitude >= 1e6 || (IsLog && magnitude < 1e-3))
        {
            var e = (int)Math.Floor(Math.Log10(magnitude) + 1e-9);
            var mantissa = Math.Round(value / Math.Pow(10, e), 2);
            var m = mantissa.ToString("0.##", CultureInfo.InvariantCulture);
            return m + "e" + e.ToString(CultureInfo.InvariantCulture);
        }
        return Markup.Number(value, _decimals);
    }

    private static double Clean(double value, int decimals)
    {
        var r = Math.Round(value, decimals);
        return r == 0 ? 0 : r; // no -0
    }
}
