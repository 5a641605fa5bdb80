namespace MedLearn.Metrics;

/// <summary>
/// A percentile-bootstrap confidence interval (see <see cref="BootstrapConfidenceInterval"/>). Undefined values are
/// null (never NaN), so the record serialises with System.Text.Json as is.
/// </summary>
/// <param name="Estimate">The metric on the full sample (indices 0..N−1); null when undefined there.</param>
/// <param name="Lower">Lower percentile (100·(1 − level)/2) of the usable resample values; null when none was usable.</param>
/// <param name="Upper">Upper percentile (100·(1 + level)/2) of the usable resample values; null when none was usable.</param>
/// <param name="ConfidenceLevel">Nominal coverage, e.g. 0.95.</param>
/// <param name="ResamplesRequested">Number of resamples drawn.</param>
/// <param name="ResamplesUsed">Resamples whose metric was finite (degenerate ones, e.g. an AUC without positives, are skipped).</param>
public sealed record BootstrapInterval(
    double? Estimate,
    double? Lower,
    double? Upper,
    double ConfidenceLevel,
    int ResamplesRequested,
    int ResamplesUsed);
