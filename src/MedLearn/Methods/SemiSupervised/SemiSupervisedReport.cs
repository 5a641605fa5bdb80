using System.Text;
using MedLearn.Methods.Supervised;
using MedLearn.Reports;
using MedLearn.Reports.Charts;
using MedLearn.Runs;

namespace MedLearn.Methods.SemiSupervised;

/// <summary>
/// report.html of a semi-supervised run: the classification report of the exported student (held-out metrics with
/// intervals, confusion matrix, ROC curves, per-class table, samples, latency). Header tiles: accuracy, macro F1, macro
/// ROC AUC and balanced accuracy; for ordinal tasks (<c>ordinal: true</c>) accuracy, quadratic and linear weighted kappa
/// and macro F1, plus the section "Ordinal staging" (the three kappas and how far off the wrong predictions are, from
/// the confusion matrix). Always the section "Semi-supervised training" (method, labeled/unlabeled images per class, batch composition, warnings, and the
/// per-epoch cross-entropy, consistency losses and consistency weight λ). Built from the run folder's files alone.
/// </summary>
public static class SemiSupervisedReport
{
    private static readonly string[] s_ordinalFront = ["Accuracy", "Cohen's kappa (quadratic)", "Cohen's kappa (linear)", "Macro F1"];
    private static readonly string[] s_front = ["Accuracy", "Macro F1", "Macro ROC AUC", "Balanced accuracy"];

    /// <summary>Writes report.html of <paramref name="run"/>; returns its path.</summary>
    /// <exception cref="RunFileException">metrics.json is missing or malformed.</exception>
    public static string Rebuild(RunDirectory run, int samples = 12)
    {
        ArgumentNullException.ThrowIfNull(run);
        var content = ClassificationReportBuilder.Content(run.Path, run.Name, run.CreatedUtc, run.ConfigPath, run.SplitPath, run.HistoryPath,
            run.MetricsPath, run.PredictionsPath, samples);
        var summary = MetricsFile.Read<RunSummary>(run.MetricsPath);
        var semiPath = Path.Combine(run.Path, SemiSupervisedSummary.FileName);
        var semi = File.Exists(semiPath) ? MetricsFile.Read<SemiSupervisedSummary>(semiPath) : null;
        var ordinal = Supervised.ClassifierManifest.IsOrdinal(run.Path);
        var front = ordinal ? s_ordinalFront : s_front;
        var metrics = front.Select(n => content.Metrics.FirstOrDefault(m => m.Name == n)).OfType<MetricValue>()
            .Concat(content.Metrics.Where(m => !front.Contains(m.Name))).ToList();
        var history = File.Exists(run.HistoryPath) ? HistoryFile.Read(run.HistoryPath).Rows : [];
        content = content with
        {
            Title = semi is null ? $"Semi-supervised run {run.Name}" : $"Semi-supervised run {run.Name} ({semi.Method}, {Markup.Percent(semi.LabeledFraction, 0)} labeled)",
            Metrics = metrics,
            ExtraSections = [.. ordinal ? [ClassificationReportBuilder.OrdinalSection(summary)] : Array.Empty<ReportSection>(), Training(semi, history),
                .. RunWeights.Read(run)?.Section() is { } weights ? [weights] : Array.Empty<ReportSection>(), .. content.ExtraSections],
        };
        new ClassificationReportPage(content).Write(run.ReportPath);
        return run.ReportPath;
    }

    private static ReportSection Training(SemiSupervisedSummary? semi, IReadOnlyList<HistoryRow> history)
    {
        var h = new StringBuilder();
        if (semi is null)
        {
            h.Append("<p class=\"na\">semi.json is missing: the run's semi-supervised settings are not available.</p>\n");
            return new ReportSection("Semi-supervised training", h.ToString());
        }
        foreach (var w in semi.Warnings)
            h.Append("<p class=\"na\"><b>Warning:</b> ").Append(Markup.Escape(w)).Append("</p>\n");
        h.Append("<p class=\"lead\">Method <b>").Append(Markup.Escape(semi.Method)).Append("</b>");
        if (semi.Method != semi.RequestedMethod) h.Append(" (configured: ").Append(Markup.Escape(semi.RequestedMethod)).Append(')');
        h.Append("; ").Append(semi.LabeledSet == "manifest" ? "labeled set fixed by the manifest's labeled column: "
            : Markup.Percent(semi.LabeledFraction, 1) + " of each class of the training split labeled: ")
            .Append(semi.Labeled).Append(" labeled and ").Append(semi.Unlabeled).Append(" unlabeled training images")
            .Append(semi.Method == "supervised" ? " (the unlabeled ones are not used)" : "").Append(". Batches of ")
            .Append(semi.LabeledBatchSize).Append(" labeled");
        if (semi.UnlabeledBatchSize > 0) h.Append(" + ").Append(semi.UnlabeledBatchSize).Append(" unlabeled");
        h.Append(" images, ").Append(semi.BatchesPerEpoch).Append(" steps per epoch");
        if (semi.LabeledRepeats > 1) h.Append(" (").Append(semi.LabeledRepeats).Append(" passes over the labeled images per epoch)");
        h.Append('.');
        if (semi.Method != "supervised" && semi.ConsistencyWeightReached is double reached)
            h.Append(" The consistency weight reached λ = ").Append(Markup.Fixed(reached, 3)).Append(" in the last epoch (configured full weight w = ")
                .Append(Markup.Number(semi.ConsistencyWeight, 3)).Append(semi.ConsistencyWeight > 0 && reached < semi.ConsistencyWeight * (1 - 1e-9)
                    ? $", {Markup.Percent(reached / semi.ConsistencyWeight, 1)} of it: the ramp-up did not finish)" : ")").Append('.');
        h.Append("</p>\n");
        h.Append("<table><thead><tr><th>class</th><th>labeled</th><th>unlabeled</th></tr></thead><tbody>\n");
        for (var c = 0; c < semi.Classes.Count; c++)
            h.Append("<tr><td>").Append(Markup.Escape(semi.Classes[c])).Append("</td><td>").Append(semi.LabeledPerClass[c]).Append("</td><td>")
                .Append(semi.UnlabeledPerClass[c]).Append("</td></tr>\n");
        if (semi.UnlabeledWithoutLabel > 0)
            h.Append("<tr><td>(no label)</td><td>0</td><td>").Append(semi.UnlabeledWithoutLabel).Append("</td></tr>\n");
        h.Append("</tbody><tfoot><tr><td>total</td><td>").Append(semi.Labeled).Append("</td><td>").Append(semi.Unlabeled).Append("</td></tr></tfoot></table>\n");

        var epochs = history.Select(r => (double)r.Epoch).ToArray();
        LineSeries Series(string name, string key) => new(name, epochs, [.. history.Select(r => r.Train.GetValueOrDefault(key, double.NaN))]);
        var losses = new List<LineSeries> { Series("cross-entropy (labeled)", "ce") };
        if (history.Any(r => r.Train.ContainsKey("consistency"))) losses.Add(Series("L_pred (prediction consistency)", "consistency"));
        if (history.Any(r => r.Train.ContainsKey("relation"))) losses.Add(Series("L_rel (relation consistency)", "relation"));
        if (history.Count > 0)
        {
            h.Append("<div class=\"grid-2\">\n<figure class=\"chart\">")
                .Append(LineChart.Render(losses, new LineChartOptions { Title = "Training losses per epoch (means over batches)", XLabel = "epoch", YLabel = "loss", IntegerX = true, LogY = true }))
                .Append("</figure>\n");
            if (history.Any(r => r.Train.ContainsKey("consistency_weight")))
                h.Append("<figure class=\"chart\">")
                    .Append(LineChart.Render([Series("λ(e)", "consistency_weight")], new LineChartOptions { Title = "Consistency weight λ(e)", XLabel = "epoch", YLabel = "λ", IntegerX = true, YMin = 0 }))
                    .Append("</figure>\n");
            h.Append("</div>\n");
        }
        return new ReportSection("Semi-supervised training", h.ToString());
    }
}
