using System.Globalization;
using MedLearn.Metrics;
using Spectre.Console;

namespace MedLearn.Cli.Rendering;

/// <summary>The end-of-run summary: headline metrics with 95% intervals (weighted kappas for ordinal tasks only), then per-class rows and latency.</summary>
internal static class MetricsTable
{
    /// <param name="m">The metrics.</param>
    /// <param name="latency">Per-image latency, or null.</param>
    /// <param name="title">Table title.</param>
    /// <param name="ordinal">The classes are ordered stages: show the weighted kappas (only then meaningful).</param>
    public static Table Create(ClassificationMetrics m, LatencyStatistics? latency, string title, bool ordinal = false)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(title)}[/] ({m.SampleCount} images)");
        table.AddColumn("metric");
        table.AddColumn(new TableColumn("value").RightAligned());
        table.AddColumn(new TableColumn("95% CI").RightAligned());
        void Row(string name, double? value, BootstrapInterval? ci = null) =>
            table.AddRow(Markup.Escape(name), Format(value), ci is { Lower: double lo, Upper: double hi } ? string.Create(CultureInfo.InvariantCulture, $"{lo:F3} – {hi:F3}") : "");
        var b = m.Bootstrap;
        Row("accuracy", m.Accuracy, b?.Accuracy);
        Row("balanced accuracy", m.BalancedAccuracy, b?.BalancedAccuracy);
        Row("macro F1", m.MacroF1, b?.MacroF1);
        Row("macro ROC AUC", m.MacroAuc, b?.MacroAuc);
        if (ordinal)
        {
            Row("kappa (quadratic)", m.KappaQuadratic, b?.KappaQuadratic);
            Row("kappa (linear)", m.KappaLinear);
        }
        Row("log loss", m.LogLoss);
        Row("expected calibration error", m.Ece);
        if (m.WeightedError is double we) Row("weighted error (penalty matrix)", we);
        foreach (var c in m.PerClass)
            table.AddRow(Markup.Escape($"  {c.Name} (sens / spec / AUC)"),
                $"{Format(c.Recall)} / {Format(c.Specificity)} / {Format(c.Auc)}", "");
        if (latency is not null)
            table.AddRow("inference latency (ms/image, mean / p95)", string.Create(CultureInfo.InvariantCulture, $"{latency.Mean:F1} / {latency.P95:F1}"), "");
        return table;
    }

    public static string Format(double? value) => value is double v && !double.IsNaN(v) ? v.ToString("F3", CultureInfo.InvariantCulture) : "n/a";
}
