using System.Text;
using MedLearn.Methods.Supervised;
using MedLearn.Reports;
using MedLearn.Reports.Charts;
using MedLearn.Runs;

namespace MedLearn.Methods.SemiSupervised;

/// <summary>
/// report.html of a semi-supervised run: the classification report of the exported student (held-out metrics with
/// intervals, confusion matrix, ROC curves, per-class table, samples, latency) with the ordinal-staging agreement in
/// front — the header tiles are accuracy, quadratic and linear weighted kappa and macro F1 — plus two sections:
/// "Ordinal staging" (the three kappas and how far off the wrong predictions are, from the confusion matrix) and
/// "Semi-supervised training" (method, labeled/unlabeled images per class, batch composition, warnings, and the
/// per-epoch cross-entropy, consistency losses and consistency weight λ). Built from the run folder's files alone.
/// </summary>
public static class SemiSupervisedReport
{
    private static readonly string[] s_front = ["Accuracy", "Cohen's kappa (quadratic)", "Cohen's kappa (linear)", "Macro F1"];

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
        var metrics = s_front.Select(n => content.Metrics.FirstOrDefault(m => m.Name == n)).OfType<MetricValue>()
            .Concat(content.Metrics.Where(m => !s_front.Contains(m.Name))).ToList();
        var history = File.Exists(run.HistoryPath) ? HistoryFile.Read(run.HistoryPath).Rows : [];
        content = content with
        {
            Title = semi is null ? $"Semi-supervised run {run.Name}" : $"Semi-supervised run {run.Name} ({semi.Method}, {Markup.Percent(semi.LabeledFraction, 0)} labeled)",
            Metrics = metrics,
            ExtraSections = [Ordinal(summary), Training(semi, history), .. RunWeights.Read(run)?.Section() is { } weights ? [weights] : Array.Empty<ReportSection>()],
        };
        new ClassificationReportPage(content).Write(run.ReportPath);
        return run.ReportPath;
    }

    private static ReportSection Ordinal(RunSummary summary)
    {
        var m = summary.Metrics;
        var cm = m.ConfusionMatrix;
        long total = 0, exact = 0, offByOne = 0, further = 0;
        for (var t = 0; t < cm.Length; t++)
            for (var p = 0; p < cm[t].Length; p++)
            {
                total += cm[t][p];
                var d = Math.Abs(t - p);
                if (d == 0) exact += cm[t][p];
                else if (d == 1) offByOne += cm[t][p];
                else further += cm[t][p];
            }
        string Kappa(double? k) => k is double v ? Markup.Fixed(v, 3) : "n/a";
        string Share(long n) => total > 0 ? $"{n} ({Markup.Percent((double)n / total)})" : "n/a";
        var h = new StringBuilder();
        h.Append("<p class=\"lead\">The classes are ordered stages (").Append(Markup.Escape(string.Join(" < ", m.ClassNames)))
            .Append("). Weighted kappas give partial credit for near misses: linear weights penalise a prediction |i − j| stages away by |i − j|, ")
            .Append("quadratic weights by (i − j)². Rows of the confusion matrix above are true stages, columns predicted.</p>\n");
        h.Append("<table><thead><tr><th>Agreement on the ").Append(Markup.Escape(summary.Split)).Append(" split</th><th>value</th></tr></thead><tbody>\n");
        h.Append("<tr><td>Cohen's kappa (unweighted)</td><td>").Append(Kappa(m.KappaUnweighted)).Append("</td></tr>\n");
        h.Append("<tr><td>Cohen's kappa (linear weights)</td><td>").Append(Kappa(m.KappaLinear)).Append("</td></tr>\n");
        h.Append("<tr><td>Cohen's kappa (quadratic weights)</td><td>").Append(Kappa(m.KappaQuadratic)).Append("</td></tr>\n");
        h.Append("<tr><td>Exact stage</td><td>").Append(Share(exact)).Append("</td></tr>\n");
        h.Append("<tr><td>Off by one stage</td><td>").Append(Share(offByOne)).Append("</td></tr>\n");
        h.Append("<tr><td>Off by two or more stages</td><td>").Append(Share(further)).Append("</td></tr>\n");
        h.Append("</tbody></table>\n");
        return new ReportSection("Ordinal staging", h.ToString());
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
        h.Append("; ").Append(Markup.Percent(semi.LabeledFraction, 1)).Append(" of each class of the training split labeled: ")
            .Append(semi.Labeled).Append(" labeled and ").Append(semi.Unlabeled).Append(" unlabeled training images")
            .Append(semi.Method == "supervised" ? " (the unlabeled ones are not used)" : "").Append(". Batches of ")
            .Append(semi.LabeledBatchSize).Append(" labeled");
        if (semi.UnlabeledBatchSize > 0) h.Append(" + ").Append(semi.UnlabeledBatchSize).Append(" unlabeled");
        h.Append(" images, ").Append(semi.BatchesPerEpoch).Append(" steps per epoch");
        if (semi.LabeledRepeats > 1) h.Append(" (").Append(semi.LabeledRepeats).Append(" passes over the labeled images per epoch)");
        h.Append(".</p>\n");
        h.Append("<table><thead><tr><th>class</th><th>labeled</th><th>unlabeled</th></tr></thead><tbody>\n");
        for (var c = 0; c < semi.Classes.Count; c++)
            h.Append("<tr><td>").Append(Markup.Escape(semi.Classes[c])).Append("</td><td>").Append(semi.LabeledPerClass[c]).Append("</td><td>")
                .Append(semi.UnlabeledPerClass[c]).Append("</td></tr>\n");
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
