using System.Globalization;
using System.Text;
using MedLearn.Reports.Charts;
using MedLearn.Torch.Serialization;

namespace MedLearn.Reports;

/// <summary>
/// Renders a <see cref="ClassificationReportContent"/> as one self-contained HTML page: inline CSS
/// (<see cref="ReportStyle"/>), charts as inline SVG, thumbnails as <c>data:</c> URIs, no scripts and no external
/// references, so the file can be mailed, archived or printed as is. Sections: header (title, run, created time,
/// up to four metric tiles), dataset, headline metrics, training history (loss and accuracy curves, epoch table),
/// confusion matrix and ROC curves, per-class metrics, sample predictions, inference latency, the extra sections,
/// configuration. A part the content does not have renders a short "not available" note. Every text from the
/// content is HTML-escaped (except <see cref="ReportSection.Html"/>, which is trusted); output is deterministic.
/// </summary>
public sealed class ClassificationReportPage
{
    /// <summary>Creates a page for <paramref name="content"/>.</summary>
    public ClassificationReportPage(ClassificationReportContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        Content = content;
    }

    /// <summary>The content shown.</summary>
    public ClassificationReportContent Content { get; }

    /// <summary>The complete HTML document.</summary>
    /// <exception cref="ArgumentException">Inconsistent content (e.g. split counts not matching the class names).</exception>
    public string Render()
    {
        var c = Content;
        var h = new StringBuilder(64 * 1024);
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"generator\" content=\"MedLearn ").Append(MedLearnInfo.Version).Append("\">\n")
            .Append("<title>").Append(E(c.Title)).Append("</title>\n<style>\n").Append(ReportStyle.Css).Append("</style>\n</head>\n<body>\n<main class=\"report\">\n");

        Header(h, c);
        var sections = new List<(string Id, string Title, Action<StringBuilder> Body)>
        {
            ("dataset", "Dataset", b => Dataset(b, c.Dataset)),
            ("metrics", "Headline metrics", b => Metrics(b, c.Metrics)),
            ("training", "Training history", b => History(b, c.History)),
            ("evaluation", "Confusion matrix and ROC curves", b => Evaluation(b, c)),
            ("per-class", "Per-class metrics", b => PerClass(b, c.PerClass)),
            ("samples", "Sample predictions", b => Samples(b, c.Samples)),
            ("latency", "Inference latency", b => Latency(b, c.Latency)),
        };
        for (var i = 0; i < c.ExtraSections.Count; i++)
        {
            var extra = c.ExtraSections[i] ?? throw new ArgumentException($"extra section {i} is null", nameof(Content));
            sections.Add(($"extra-{i + 1}", extra.Title, b => b.Append(extra.Html).Append('\n')));
        }
        sections.Add(("configuration", "Configuration", b => Configuration(b, c.ConfigurationYaml)));

        ReportLayout.AppendSectionsAndFooter(h, sections, "inline styles and charts");
        return h.ToString();
    }

    /// <summary>
    /// Writes <see cref="Render"/>'s output as UTF-8 (no BOM) to <paramref name="path"/> atomically (temporary file
    /// in the same folder, then rename); the folder is created if missing.
    /// </summary>
    public void Write(string path) => ReportLayout.Write(path, Render());

    private static string E(string? text) => Markup.Escape(text);

    private static void NotAvailable(StringBuilder h, string text) => h.Append("<p class=\"na\">").Append(E(text)).Append("</p>\n");

    private static void Header(StringBuilder h, ClassificationReportContent c)
    {
        h.Append("<header class=\"report-header\">\n<div class=\"eyebrow\">MedLearn · classification report</div>\n<h1>")
            .Append(E(c.Title)).Append("</h1>\n<dl class=\"run-meta\">");
        if (c.RunName is not null) h.Append("<div><dt>Run</dt><dd>").Append(E(c.RunName)).Append("</dd></div>");
        if (c.RunPath is not null) h.Append("<div><dt>Path</dt><dd><code>").Append(E(c.RunPath)).Append("</code></dd></div>");
        if (c.Created is { } created)
            h.Append("<div><dt>Created</dt><dd>").Append(E(created.ToString("yyyy-MM-dd HH:mm:ss 'UTC'zzz", CultureInfo.InvariantCulture))).Append("</dd></div>");
        if (c.Dataset is { } ds) h.Append("<div><dt>Classes</dt><dd>").Append(ds.ClassNames.Count).Append("</dd></div>");
        h.Append("</dl>\n");
        if (c.Metrics.Count > 0)
        {
            h.Append("<div class=\"tiles\">");
            foreach (var m in c.Metrics.Take(4))
            {
                h.Append("<div class=\"tile\"><div class=\"name\">").Append(E(m.Name)).Append("</div><div class=\"value\">")
                    .Append(E(Value(m.Value))).Append("</div>");
                if (Ci(m) is { } ci) h.Append("<div class=\"ci\">95% CI ").Append(E(ci)).Append("</div>");
                h.Append("</div>");
            }
            h.Append("</div>\n");
        }
        h.Append("</header>\n");
    }

    private static void Dataset(StringBuilder h, DatasetSummary? ds)
    {
        if (ds is null || ds.ClassNames.Count == 0)
        {
            NotAvailable(h, "Dataset summary not available.");
            return;
        }
        foreach (var s in ds.Splits)
            if (s.PerClass.Count != ds.ClassNames.Count)
                throw new ArgumentException($"split '{s.Split}' has {s.PerClass.Count} counts for {ds.ClassNames.Count} classes");
        if (ds.Description is not null) h.Append("<p class=\"lead\">").Append(E(ds.Description)).Append("</p>\n");
        h.Append("<div class=\"grid-2\">\n<div><table class=\"dataset\">\n<thead><tr><th>Class</th>");
        foreach (var s in ds.Splits) h.Append("<th>").Append(E(s.Split)).Append("</th>");
        h.Append("<th>Total</th></tr></thead>\n<tbody>\n");
        for (var k = 0; k < ds.ClassNames.Count; k++)
        {
            h.Append("<tr><td>").Append(E(ds.ClassNames[k])).Append("</td>");
            long total = 0;
            foreach (var s in ds.Splits)
            {
                h.Append("<td>").Append(Count(s.PerClass[k])).Append("</td>");
                total += s.PerClass[k];
            }
            h.Append("<td>").Append(Count(total)).Append("</td></tr>\n");
        }
        h.Append("</tbody>\n<tfoot><tr><td>Total</td>");
        foreach (var s in ds.Splits) h.Append("<td>").Append(Count(s.PerClass.Sum())).Append("</td>");
        h.Append("<td>").Append(Count(ds.Splits.Sum(s => s.PerClass.Sum()))).Append("</td></tr></tfoot>\n</table></div>\n");
        if (ds.Splits.Count > 0)
        {
            var chart = BarChart.Render(ds.ClassNames,
                [.. ds.Splits.Select(s => new BarSeries(s.Split, [.. s.PerClass.Select(v => (double)v)]))],
                new BarChartOptions { Title = "Items per class and split", Width = 500, Height = 280, ValueDecimals = 0, YLabel = "Items" });
            h.Append("<figure class=\"chart\">").Append(chart).Append("</figure>\n");
        }
        h.Append("</div>\n");
    }

    private static void Metrics(StringBuilder h, IReadOnlyList<MetricValue> metrics)
    {
        if (metrics.Count == 0)
        {
            NotAvailable(h, "No metrics recorded.");
            return;
        }
        h.Append("<table class=\"metrics\">\n<thead><tr><th>Metric</th><th>Value</th><th>95% CI low</th><th>95% CI high</th></tr></thead>\n<tbody>\n");
        foreach (var m in metrics)
            h.Append("<tr><td>").Append(E(m.Name)).Append("</td><td>").Append(E(Value(m.Value))).Append("</td><td>")
                .Append(E(Optional(m.CiLow, Value))).Append("</td><td>").Append(E(Optional(m.CiHigh, Value))).Append("</td></tr>\n");
        h.Append("</tbody>\n</table>\n");
    }

    private static void History(StringBuilder h, IReadOnlyList<EpochHistoryRow> history)
    {
        if (history.Count == 0)
        {
            NotAvailable(h, "Training history not available (no epochs recorded).");
            return;
        }
        var epochs = history.Select(r => (double)r.Epoch).ToArray();
        static double[] Column(IReadOnlyList<EpochHistoryRow> rows, Func<EpochHistoryRow, double?> pick) =>
            [.. rows.Select(r => pick(r) ?? double.NaN)];
        h.Append("<div class=\"grid-2\">\n");
        Curve(h, "Loss", "Loss", epochs, [("train", Column(history, r => r.TrainLoss)), ("validation", Column(history, r => r.ValLoss))],
            "No loss values recorded.");
        Curve(h, "Accuracy", "Accuracy", epochs, [("train", Column(history, r => r.TrainAccuracy)), ("validation", Column(history, r => r.ValAccuracy))],
            "No accuracy values recorded.");
        h.Append("</div>\n<details>\n<summary>Epoch table (").Append(history.Count).Append(history.Count == 1 ? " epoch" : " epochs").Append(")</summary>\n")
            .Append("<table class=\"history\">\n<thead><tr><th>Epoch</th><th>Train loss</th><th>Val loss</th><th>Train acc.</th><th>Val acc.</th><th>Learning rate</th><th>Time (s)</th></tr></thead>\n<tbody>\n");
        foreach (var r in history)
            h.Append("<tr><td>").Append(r.Epoch.ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
                .Append(Optional(r.TrainLoss, v => Markup.Fixed(v, 4))).Append("</td><td>")
                .Append(Optional(r.ValLoss, v => Markup.Fixed(v, 4))).Append("</td><td>")
                .Append(Optional(r.TrainAccuracy, v => Markup.Fixed(v, 4))).Append("</td><td>")
                .Append(Optional(r.ValAccuracy, v => Markup.Fixed(v, 4))).Append("</td><td>")
                .Append(E(Optional(r.LearningRate, Value))).Append("</td><td>")
                .Append(Optional(r.Seconds, v => Markup.Fixed(v, 1))).Append("</td></tr>\n");
        h.Append("</tbody>\n</table>\n</details>\n");
    }

    private static void Curve(StringBuilder h, string title, string yLabel, double[] epochs, (string Name, double[] Values)[] series, string missing)
    {
        var present = series.Where(s => s.Values.Any(double.IsFinite)).ToArray();
        h.Append("<figure class=\"chart\">");
        if (present.Length == 0)
        {
            h.Append("<h3>").Append(E(title)).Append("</h3>");
            NotAvailable(h, missing);
        }
        else
        {
            h.Append(LineChart.Render(
                [.. series.Select((s, i) => new LineSeries(s.Name, epochs, s.Values) { Colour = ColourMap.Categorical(i) }).Where(s => s.Y.Any(double.IsFinite))],
                new LineChartOptions { Title = title, XLabel = "Epoch", YLabel = yLabel, IntegerX = true, Width = 520, Height = 320 }));
        }
        h.Append("</figure>\n");
    }

    private static void Evaluation(StringBuilder h, ClassificationReportContent c)
    {
        h.Append("<div class=\"grid-2\">\n<figure class=\"chart\">");
        if (c.ConfusionMatrix is { } cm && cm.ClassNames.Count > 0)
            h.Append(ConfusionMatrixChart.Render(cm.ClassNames, cm.Counts, new ConfusionMatrixChartOptions { Title = "Confusion matrix (row-normalised %)" }));
        else
        {
            h.Append("<h3>Confusion matrix</h3>");
            NotAvailable(h, "Confusion matrix not available.");
        }
        h.Append("</figure>\n<figure class=\"chart\">");
        if (c.RocCurves.Count > 0)
            h.Append(RocChart.Render(c.RocCurves, new RocChartOptions { Title = "ROC curves (one-vs-rest)" }));
        else
        {
            h.Append("<h3>ROC curves</h3>");
            NotAvailable(h, c.RocUnavailableReason ?? "ROC curves not available.");
        }
        h.Append("</figure>\n</div>\n");
    }

    private static void PerClass(StringBuilder h, IReadOnlyList<ClassMetricsRow> rows)
    {
        if (rows.Count == 0)
        {
            NotAvailable(h, "Per-class metrics not available.");
            return;
        }
        h.Append("<table class=\"per-class\">\n<thead><tr><th>Class</th><th>Support</th><th>Precision</th><th>Recall (sensitivity)</th><th>Specificity</th><th>F1</th><th>AUC</th></tr></thead>\n<tbody>\n");
        foreach (var r in rows)
            h.Append("<tr><td>").Append(E(r.ClassName)).Append("</td><td>").Append(Count(r.Support)).Append("</td><td>")
                .Append(Markup.Fixed(r.Precision, 3)).Append("</td><td>").Append(Markup.Fixed(r.Recall, 3)).Append("</td><td>")
                .Append(Markup.Fixed(r.Specificity, 3)).Append("</td><td>").Append(Markup.Fixed(r.F1, 3)).Append("</td><td>")
                .Append(Optional(r.Auc, v => Markup.Fixed(v, 3))).Append("</td></tr>\n");
        h.Append("</tbody>\n</table>\n");
        var chart = BarChart.Render([.. rows.Select(r => r.ClassName)],
            [
                new BarSeries("Precision", [.. rows.Select(r => r.Precision)]),
                new BarSeries("Recall", [.. rows.Select(r => r.Recall)]),
                new BarSeries("F1", [.. rows.Select(r => r.F1)]),
            ],
            new BarChartOptions { Title = "Precision, recall and F1 per class", Width = 760, Height = 300, YMax = 1 });
        h.Append("<figure class=\"chart\" style=\"margin-top:16px\">").Append(chart).Append("</figure>\n");
    }

    private static void Samples(StringBuilder h, IReadOnlyList<SamplePrediction> samples)
    {
        if (samples.Count == 0)
        {
            NotAvailable(h, "No sample predictions included.");
            return;
        }
        var wrong = samples.Count(s => !s.Correct);
        h.Append("<p class=\"lead\">").Append(samples.Count).Append(" examples, ").Append(wrong)
            .Append(" misclassified (red). Probability is the model's confidence in its predicted class.</p>\n<div class=\"samples\">\n");
        foreach (var s in samples)
        {
            h.Append("<figure class=\"sample ").Append(s.Correct ? "correct" : "wrong").Append("\">");
            if (s.Thumbnail is { Length: > 0 } bytes)
                h.Append("<img alt=\"").Append(E($"true {s.TrueClass}, predicted {s.PredictedClass}")).Append("\" src=\"data:")
                    .Append(MimeType(bytes)).Append(";base64,").Append(Convert.ToBase64String(bytes)).Append("\">");
            else
                h.Append("<div class=\"no-image\"></div>");
            h.Append("<figcaption><span class=\"verdict\">").Append(s.Correct ? "correct" : "wrong").Append("</span><span class=\"prob\">")
                .Append(E(Markup.Fixed(s.Probability, 2))).Append("</span><br>True: <b>").Append(E(s.TrueClass)).Append("</b><br>Predicted: <b>")
                .Append(E(s.PredictedClass)).Append("</b>");
            if (s.Caption is not null) h.Append("<br><span class=\"caption\">").Append(E(s.Caption)).Append("</span>");
            h.Append("</figcaption></figure>\n");
        }
        h.Append("</div>\n");
    }

    private static void Latency(StringBuilder h, LatencySummary? l)
    {
        if (l is null)
        {
            NotAvailable(h, "Inference latency not measured.");
            return;
        }
        h.Append("<div class=\"tiles latency\">");
        void Tile(string name, string value, string unit) =>
            h.Append("<div class=\"tile\"><div class=\"name\">").Append(E(name)).Append("</div><div class=\"value\">").Append(E(value))
                .Append(" <span class=\"unit\">").Append(E(unit)).Append("</span></div></div>");
        Tile("Mean latency", Markup.Fixed(l.MeanMs, 2), "ms");
        Tile("p95 latency", Markup.Fixed(l.P95Ms, 2), "ms");
        if (l.BatchSize is { } b && l.MeanMs > 0) Tile("Throughput", Markup.Fixed(1000.0 * b / l.MeanMs, 1), "images/s");
        h.Append("</div>\n<p class=\"lead latency-setup\"><b>Device:</b> ").Append(E(l.Device)).Append(" · <b>Precision:</b> ").Append(E(l.Precision));
        if (l.BatchSize is { } batch) h.Append(" · <b>Batch size:</b> ").Append(batch.ToString(CultureInfo.InvariantCulture));
        if (l.Runs is { } runs) h.Append(" · <b>Timed runs:</b> ").Append(runs.ToString(CultureInfo.InvariantCulture));
        h.Append("</p>\n");
    }

    private static void Configuration(StringBuilder h, string? yaml)
    {
        if (string.IsNullOrWhiteSpace(yaml))
        {
            NotAvailable(h, "Configuration not recorded.");
            return;
        }
        h.Append("<pre class=\"config\"><code>").Append(E(yaml.TrimEnd())).Append("</code></pre>\n");
    }

    /// <summary>Metric value text: 3 decimals; 1 from 100 on; scientific below 0.001 or from 100000 on; "n/a" for NaN.</summary>
    private static string Value(double v)
    {
        if (!double.IsFinite(v)) return Markup.Number(v);
        var a = Math.Abs(v);
        if (a == 0) return "0";
        if (a < 1e-3 || a >= 1e5) return v.ToString("0.##e+0", CultureInfo.InvariantCulture);
        return Markup.Fixed(v, a >= 100 ? 1 : 3);
    }

    private static string? Ci(MetricValue m) =>
        m.CiLow is { } lo && m.CiHigh is { } hi ? $"{Value(lo)} – {Value(hi)}" : null;

    private static string Optional(double? v, Func<double, string> format) => v is { } x ? format(x) : "–";

    private static string Count(long v) => v.ToString("#,0", CultureInfo.InvariantCulture);

    private static string MimeType(byte[] bytes) =>
        bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF ? "image/jpeg" : "image/png";
}
