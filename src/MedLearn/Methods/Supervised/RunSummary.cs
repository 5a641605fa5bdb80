using MedLearn.Metrics;
using MedLearn.Training;

namespace MedLearn.Methods.Supervised;

/// <summary>
/// The content of a classification run's <c>metrics.json</c>: the held-out metrics of the exported model, the
/// per-image latency, the precision used and how training ended.
/// </summary>
/// <param name="Split">Split the metrics were measured on ("test", or "val" when there was no test part).</param>
/// <param name="Images">Images evaluated.</param>
/// <param name="Metrics">All classification metrics with bootstrap intervals.</param>
/// <param name="Latency">Per-image forward latency (batch of one, warm-up excluded), or null.</param>
/// <param name="Precision">Resolved precision plan, in words.</param>
/// <param name="Training">How training ended.</param>
/// <param name="Skipped">Images left out under on-error skip (every phase: check, train, val, test, latency, explain), or null/empty.</param>
public sealed record RunSummary(string Split, int Images, ClassificationMetrics Metrics, LatencyStatistics? Latency, string Precision, TrainingSummary Training,
    IReadOnlyList<Data.Loading.SkippedImage>? Skipped = null);

/// <summary>How training ended, for metrics.json.</summary>
/// <param name="Status">Completed, EarlyStopped, Cancelled or Diverged.</param>
/// <param name="EpochsCompleted">Epochs run.</param>
/// <param name="BestEpoch">1-based epoch whose weights were exported, or null.</param>
/// <param name="Monitor">The metric that chose it.</param>
/// <param name="BestMetric">Its value.</param>
/// <param name="Message">The trainer's closing sentence.</param>
public sealed record TrainingSummary(string Status, int EpochsCompleted, int? BestEpoch, string Monitor, double? BestMetric, string Message)
{
    /// <summary>The summary of <paramref name="result"/>.</summary>
    public static TrainingSummary From(TrainingResult result, string monitor) =>
        new(result.Status.ToString(), result.EpochsCompleted, result.BestEpoch + 1, monitor, result.BestMetric, result.Message);
}
