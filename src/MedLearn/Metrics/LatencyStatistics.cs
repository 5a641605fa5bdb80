namespace MedLearn.Metrics;

/// <summary>
/// Summary of per-image inference latencies in milliseconds, after dropping the first <c>warmup</c> measurements:
/// mean, median (numpy's <c>median</c>), 95th percentile (numpy's default linear interpolation, position
/// 0.95·(n − 1) in the sorted values), minimum and maximum.
/// </summary>
/// <param name="Count">Number of measurements summarised (after the warm-up).</param>
/// <param name="WarmupExcluded">Number of leading measurements dropped.</param>
/// <param name="Mean">Arithmetic mean, ms.</param>
/// <param name="Median">Median, ms.</param>
/// <param name="P95">95th percentile (linear interpolation), ms.</param>
/// <param name="Min">Minimum, ms.</param>
/// <param name="Max">Maximum, ms.</param>
public sealed record LatencyStatistics(int Count, int WarmupExcluded, double Mean, double Median, double P95, double Min, double Max)
{
    /// <summary>
    /// Summarises <paramref name="milliseconds"/> (in measurement order) without its first <paramref name="warmup"/>
    /// entries. Values must be finite and non-negative, and at least one must remain after the warm-up
    /// (<see cref="ArgumentException"/> otherwise).
    /// </summary>
    public static LatencyStatistics Compute(IReadOnlyList<double> milliseconds, int warmup = 0)
    {
        ArgumentNullException.ThrowIfNull(milliseconds);
        if (warmup < 0) throw new ArgumentOutOfRangeException(nameof(warmup), warmup, "the warm-up count cannot be negative");
        if (milliseconds.Count - warmup < 1)
            throw new ArgumentException($"no measurement left after excluding {warmup} warm-up values of {milliseconds.Count}", nameof(milliseconds));
        for (var i = 0; i < milliseconds.Count; i++)
            if (!(double.IsFinite(milliseconds[i]) && milliseconds[i] >= 0))
                throw new ArgumentException($"milliseconds[{i}] = {milliseconds[i]} must be finite and non-negative", nameof(milliseconds));
        var kept = milliseconds.Skip(warmup).ToArray();
        var mean = kept.Sum() / kept.Length;
        Array.Sort(kept);
        return new LatencyStatistics(kept.Length, warmup, mean, Percentile.Median(kept), Percentile.Linear(kept, 0.95), kept[0], kept[^1]);
    }
}
