using MedLearn.Reports.Charts;

namespace MedLearn.Reports;

/// <summary>
/// Everything a <see cref="ClassificationReportPage"/> shows. Every part except <see cref="Title"/> is optional:
/// a missing part (null or empty) renders a short "not available" note instead of an empty chart.
/// </summary>
public sealed record ClassificationReportContent
{
    /// <summary>Page title.</summary>
    public required string Title { get; init; }

    /// <summary>Run name, or null.</summary>
    public string? RunName { get; init; }

    /// <summary>Run folder, or null.</summary>
    public string? RunPath { get; init; }

    /// <summary>When the run (or the report) was created; the page never reads the clock itself.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>Class names and per-split counts.</summary>
    public DatasetSummary? Dataset { get; init; }

    /// <summary>Headline metrics (the first four are also shown as tiles in the header).</summary>
    public IReadOnlyList<MetricValue> Metrics { get; init; } = [];

    /// <summary>Per-epoch history (loss and accuracy curves, epoch table).</summary>
    public IReadOnlyList<EpochHistoryRow> History { get; init; } = [];

    /// <summary>Confusion-matrix counts of the evaluation split.</summary>
    public ConfusionMatrixData? ConfusionMatrix { get; init; }

    /// <summary>ROC curves (one per class, one-vs-rest).</summary>
    public IReadOnlyList<RocCurve> RocCurves { get; init; } = [];

    /// <summary>Why there are no ROC curves (shown instead of the chart), or null for a generic note.</summary>
    public string? RocUnavailableReason { get; init; }

    /// <summary>Per-class precision, recall, specificity, F1, AUC.</summary>
    public IReadOnlyList<ClassMetricsRow> PerClass { get; init; } = [];

    /// <summary>Examples with thumbnails, true and predicted class.</summary>
    public IReadOnlyList<SamplePrediction> Samples { get; init; } = [];

    /// <summary>Inference latency measurement.</summary>
    public LatencySummary? Latency { get; init; }

    /// <summary>The run's configuration as YAML text (shown verbatim).</summary>
    public string? ConfigurationYaml { get; init; }

    /// <summary>Additional sections, appended in order after the built-in ones (before the configuration).</summary>
    public IReadOnlyList<ReportSection> ExtraSections { get; init; } = [];
}
