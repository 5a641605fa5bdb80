namespace MedLearn.Metrics;

/// <summary>
/// Percentile bootstrap confidence intervals of a metric over N samples: draw R resamples of N indices uniformly with
/// replacement, evaluate the metric on each index list, and report the (1 − level)/2 and (1 + level)/2 percentiles of
/// the values (numpy's linear interpolation), e.g. the 2.5th and 97.5th for a 95% interval.
/// </summary>
/// <remarks>
/// <para>The metric is a delegate over an index list (indices into the caller's arrays, repeats allowed); it owns how
/// the indices select targets and probabilities. Resamples are drawn from a SplitMix64 stream seeded with
/// <c>seed</c>: the same seed, N and R give the same index lists, hence the same interval, on every run and
/// platform. Metrics passed together to <see cref="ComputeMany"/> see the same resamples.</para>
/// <para>Degenerate resamples: when the metric returns NaN or ±∞ on a resample (e.g. an AUC whose resample holds
/// no positive), that resample is skipped for that metric; <see cref="BootstrapInterval.ResamplesUsed"/> reports how
/// many were used. With none usable the bounds are null. The point estimate is the metric on indices 0..N−1.</para>
/// </remarks>
public static class BootstrapConfidenceInterval
{
    /// <summary>Default number of resamples.</summary>
    public const int DefaultResamples = 1000;

    /// <summary>Interval of one metric.</summary>
    /// <param name="sampleCount">N, the number of samples (≥ 1).</param>
    /// <param name="metric">The metric evaluated on an index list of length N.</param>
    /// <param name="resamples">R, the number of resamples (≥ 1).</param>
    /// <param name="seed">Seed of the resampling stream.</param>
    /// <param name="confidenceLevel">Coverage in (0, 1), default 0.95.</param>
    public static BootstrapInterval Compute(int sampleCount, Func<IReadOnlyList<int>, double> metric,
        int resamples = DefaultResamples, int seed = 0, double confidenceLevel = 0.95)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return ComputeMany(sampleCount, [metric], resamples, seed, confidenceLevel)[0];
    }

    /// <summary>Intervals of several metrics over the same resamples (one interval per metric, in order).</summary>
    public static BootstrapInterval[] ComputeMany(int sampleCount, IReadOnlyList<Func<IReadOnlyList<int>, double>> metrics,
        int resamples = DefaultResamples, int seed = 0, double confidenceLevel = 0.95)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (sampleCount < 1) throw new ArgumentOutOfRangeException(nameof(sampleCount), sampleCount, "at least one sample is required");
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "at least one resample is required");
        if (!(confidenceLevel > 0 && confidenceLevel < 1))
            throw new ArgumentOutOfRangeException(nameof(confidenceLevel), confidenceLevel, "the confidence level must lie in (0, 1)");
        for (var m = 0; m < metrics.Count; m++)
            if (metrics[m] is null) throw new ArgumentException($"metrics[{m}] is null", nameof(metrics));

        var all = Enumerable.Range(0, sampleCount).ToArray();
        var values = new List<double>[metrics.Count];
        for (var m = 0; m < metrics.Count; m++) values[m] = new List<double>(resamples);
        var rng = new BootstrapRandom(unchecked((ulong)seed));
        for (var r = 0; r < resamples; r++)
        {
            var idx = new int[sampleCount];
            for (var i = 0; i < sampleCount; i++) idx[i] = rng.Next(sampleCount);
            for (var m = 0; m < metrics.Count; m++)
            {
                var v = metrics[m](idx);
                if (double.IsFinite(v)) values[m].Add(v);
            }
        }

        var lowerQ = (1 - confidenceLevel) / 2;
        var upperQ = 1 - lowerQ;
        var result = new BootstrapInterval[metrics.Count];
        for (var m = 0; m < metrics.Count; m++)
        {
            var estimate = metrics[m](all);
            var sorted = values[m].ToArray();
            Array.Sort(sorted);
            result[m] = new BootstrapInterval(
                double.IsFinite(estimate) ? estimate : null,
                sorted.Length == 0 ? null : Percentile.Linear(sorted, lowerQ),
                sorted.Length == 0 ? null : Percentile.Linear(sorted, upperQ),
                confidenceLevel, resamples, sorted.Length);
        }
        return result;
    }
}
