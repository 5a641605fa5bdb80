using System.Text;
using MedLearn.Data.Datasets;
using MedLearn.Data.Readers;
using MedLearn.Data.Writers;
using MedLearn.Explain;
using MedLearn.Reports;
using MedLearn.Runs;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Methods.Supervised;

/// <summary>
/// Builds a classification run's report.html from the files of its folder alone (config.resolved.yaml,
/// split.csv, history.csv, metrics.json, predictions.csv and the images the predictions name), so
/// <c>medlearn report</c> can rebuild it at any time.
/// </summary>
public static class ClassificationReportBuilder
{
    /// <summary>Side of the sample thumbnails in pixels.</summary>
    public const int ThumbnailSize = 112;

    /// <summary>
    /// Writes report.html of <paramref name="run"/>; returns its path. The run's explanations (folder
    /// <c>explanations/</c>, <see cref="ExplanationReport"/>) come first among the extra sections when present.
    /// </summary>
    /// <exception cref="RunFileException">A required file (metrics.json, predictions.csv) is missing or malformed.</exception>
    public static string Rebuild(RunDirectory run, int samples = 12, IEnumerable<ReportSection>? extraSections = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var content = Content(run.Path, run.Name, run.CreatedUtc, run.ConfigPath, run.SplitPath, run.HistoryPath, run.MetricsPath, run.PredictionsPath, samples);
        var ordinal = ClassifierManifest.IsOrdinal(run.Path) ? [OrdinalSection(MetricsFile.Read<RunSummary>(run.MetricsPath))] : Array.Empty<ReportSection>();
        content = content with
        {
            ExtraSections = [.. ExplanationReport.Section(run.Path) is { } explanations ? [explanations] : Array.Empty<ReportSection>(), .. ordinal,
                .. RunWeights.Read(run)?.Section() is { } weights ? [weights] : Array.Empty<ReportSection>(), .. extraSections ?? [], .. content.ExtraSections],
        };
        new ClassificationReportPage(content).Write(run.ReportPath);
        return run.ReportPath;
    }

    /// <summary>
    /// The "Ordinal staging" section of an ordinal task's report: the class order, the unweighted, linear and quadratic
    /// kappas, and how many predictions are exact, one stage off, or further off (from the confusion matrix).
    /// </summary>
    public static ReportSection OrdinalSection(RunSummary summary)
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

    /// <summary>The report content from a run's (or an evaluation folder's) files; absent optional files leave their parts empty.</summary>
    public static ClassificationReportContent Content(string folder, string name, DateTimeOffset? created, string? configPath, string? splitPath,
        string? historyPath, string metricsPath, string predictionsPath, int samples)
    {
        if (!File.Exists(metricsPath)) throw new RunFileException(metricsPath, "not found: the run has not finished its evaluation (train to the end, or resume it)");
        var summary = MetricsFile.Read<RunSummary>(metricsPath);
        var m = summary.Metrics;
        var predictions = File.Exists(predictionsPath) ? PredictionsFile.Read(predictionsPath) : null;
        var b = m.Bootstrap;
        var headline = new List<MetricValue>
        {
            new("Accuracy", m.Accuracy, b?.Accuracy.Lower, b?.Accuracy.Upper),
            new("Balanced accuracy", m.BalancedAccuracy, b?.BalancedAccuracy.Lower, b?.BalancedAccuracy.Upper),
            new("Macro F1", m.MacroF1, b?.MacroF1.Lower, b?.MacroF1.Upper),
        };
        if (m.MacroAuc is double auc) headline.Add(new("Macro ROC AUC", auc, b?.MacroAuc.Lower, b?.MacroAuc.Upper));
        // Weighted kappas give partial credit for near misses in an order: only ordinal tasks have one (ordinal setting, model.json).
        var ordinal = ClassifierManifest.IsOrdinal(folder);
        if (ordinal && m.KappaQuadratic is double kq) headline.Insert(1, new("Cohen's kappa (quadratic)", kq, b?.KappaQuadratic.Lower, b?.KappaQuadratic.Upper));
        if (ordinal && m.KappaLinear is double kl) headline.Insert(2, new("Cohen's kappa (linear)", kl));
        if (m.KappaUnweighted is double ku) headline.Add(new("Cohen's kappa", ku));
        headline.Add(new("Log loss", m.LogLoss));
        headline.Add(new("Expected calibration error", m.Ece));
        if (m.WeightedError is double we) headline.Add(new("Weighted error (penalty matrix)", we));

        return new ClassificationReportContent
        {
            Title = $"Classification run {name}",
            RunName = name,
            RunPath = folder,
            Created = created,
            Dataset = splitPath is not null && File.Exists(splitPath) ? Dataset(splitPath, m.ClassNames, summary) : null,
            Metrics = headline,
            History = historyPath is not null && File.Exists(historyPath) ? History(historyPath) : [],
            ConfusionMatrix = new ConfusionMatrixData(m.ClassNames, [.. m.ConfusionMatrix.Select(r => (IReadOnlyList<long>)r)]),
            RocCurves = [.. m.RocCurves.Where(r => !double.IsNaN(r.Auc)).Select(r => new Reports.Charts.RocCurve(r.Name, r.Fpr, r.Tpr, r.Auc))],
            RocUnavailableReason = m.RocCurves.All(r => double.IsNaN(r.Auc)) ? "every class is absent or alone in the evaluated split, so no ROC curve is defined" : null,
            PerClass = [.. m.PerClass.Select(c => new ClassMetricsRow(c.Name, c.Support, c.Precision, c.Recall, c.Specificity, c.F1, c.Auc))],
            Samples = predictions is null ? [] : Samples(predictions, samples),
            Latency = summary.Latency is { } l ? new LatencySummary(l.Mean, l.P95, "CPU", summary.Precision) { BatchSize = 1, Runs = l.Count } : null,
            ConfigurationYaml = configPath is not null && File.Exists(configPath) ? File.ReadAllText(configPath) : null,
            ExtraSections = SkippedImagesRecord.Section(summary.Skipped) is { } skipped ? [skipped] : [],
        };
    }

    private static DatasetSummary Dataset(string splitPath, IReadOnlyList<string> classes, RunSummary summary) => CountsPerSplit(splitPath, classes) with
    {
        Description = $"metrics below are measured on the {summary.Split} split ({summary.Images} images) with the weights of epoch {summary.Training.BestEpoch} (best {summary.Training.Monitor}); training: {summary.Training.Message}",
    };

    /// <summary>Images per split and class of a run's split.csv (path, split, label); rows of other classes are not counted.</summary>
    public static DatasetSummary CountsPerSplit(string splitPath, IReadOnlyList<string> classes)
    {
        using var reader = new StreamReader(splitPath);
        var rows = CsvTable.Parse(reader, splitPath);
        var header = CsvTable.Header(rows[0], splitPath);
        var counts = DatasetSplit.Names.ToDictionary(n => n, _ => new long[classes.Count]);
        foreach (var row in rows.Skip(1))
        {
            var split = row.Fields[header["split"]];
            var label = Array.IndexOf([.. classes], row.Fields[header["label"]]);
            if (counts.TryGetValue(split, out var perClass) && label >= 0) perClass[label]++;
        }
        return new DatasetSummary(classes, [.. DatasetSplit.Names.Select(n => new SplitCounts(n, counts[n]))]);
    }

    private static IReadOnlyList<EpochHistoryRow> History(string path)
    {
        static double? Value(double v) => double.IsNaN(v) ? null : v;
        return [.. HistoryFile.Read(path).Rows.Select(r => new EpochHistoryRow(r.Epoch, Value(r.TrainLoss), Value(r.ValLoss),
            Value(r.Train.GetValueOrDefault("accuracy", double.NaN)), Value(r.Val.GetValueOrDefault("accuracy", double.NaN)), Value(r.LearningRate), Value(r.Seconds)))];
    }

    /// <summary>Up to <paramref name="count"/> examples stratified by class and by correct / wrong (<see cref="PredictionSampling"/>); unreadable images are left out.</summary>
    private static IReadOnlyList<SamplePrediction> Samples(PredictionSet predictions, int count)
    {
        var result = new List<SamplePrediction>();
        foreach (var r in PredictionSampling.Stratified(predictions, count))
        {
            if (Thumbnail(r.Path) is not { } png) continue;
            var p = r.Probabilities[predictions.Classes.ToList().IndexOf(r.PredictedLabel)];
            result.Add(new SamplePrediction(png, r.TrueLabel!, r.PredictedLabel, p) { Caption = Path.GetFileName(r.Path) });
        }
        return result;
    }

    /// <summary>A PNG thumbnail (longer side <see cref="ThumbnailSize"/>, 8-bit) of an image file, or null when it cannot be read.</summary>
    public static byte[]? Thumbnail(string path)
    {
        try
        {
            using var scope = DisposeScope.Open();
            using var read = ImageReader.Read(path); // a MedicalImage owns its tensor outside any scope
            var image = read.Data;
            if (image.Dim == 4) image = image.Select(1, image.Size(1) / 2); // a volume: its middle slice
            var x = image.To(DType.Float32);
            var lo = x.Min().ToDouble();
            var hi = x.Max().ToDouble();
            x = (x - lo) / Math.Max(hi - lo, 1e-12) * 255.0;
            var (h, w) = (x.Size(1), x.Size(2));
            var scale = (double)ThumbnailSize / Math.Max(h, w);
            long[] size = [Math.Max(1, (long)Math.Round(h * scale)), Math.Max(1, (long)Math.Round(w * scale))];
            // Adaptive average pooling first (area downscale, no aliasing on large images), then bilinear to the exact size.
            var pooled = h > size[0] * 2 || w > size[1] * 2 ? Functional.AdaptiveAvgPool2d(x.Unsqueeze(0), [size[0] * 2, size[1] * 2]) : x.Unsqueeze(0);
            var small = Functional.Interpolate(pooled, size, mode: InterpolateMode.Bilinear, alignCorners: false).Squeeze(0);
            if (small.Size(0) > 3) small = small.Narrow(0, 0, 3);
            return PngWriter.Encode(small.Round().Clamp(0, 255).To(DType.UInt8));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or TorchException or ArgumentException)
        {
            return null;
        }
    }
}
