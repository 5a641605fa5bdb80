using System.Globalization;
using MedLearn.Metrics;
using MedLearn.Reports;
using MedLearn.Runs;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// report.html of a GMIC run (written at the end of <c>train gmic</c> and by <c>medlearn report</c>): header tiles with
/// the held-out AUC of y_fusion per output (95% bootstrap CI) and of y_global / y_local, the localisation measures
/// when the images have lesion masks, the loss curves, the ROC curves of y_fusion, the section of
/// <see cref="GmicCaseGallery"/> (saliency maps and patches of right and wrong cases) and the configuration. Built from
/// the run folder's files; the case pictures are made with the run's model when the folder has none yet.
/// </summary>
public static class GmicReport
{
    /// <summary>Writes report.html of <paramref name="run"/> (making the case pictures first when <paramref name="refreshCases"/> or when there are none); returns its path.</summary>
    /// <exception cref="RunFileException">metrics.json or gmic.json is missing or malformed.</exception>
    public static string Rebuild(RunDirectory run, bool refreshCases = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!File.Exists(run.MetricsPath)) throw new RunFileException(run.MetricsPath, $"{run.MetricsPath}: not found: the run has not finished its evaluation (train to the end, or resume it)");
        var summary = MetricsFile.Read<GmicSummary>(run.MetricsPath);
        var manifest = GmicManifest.Read(Path.Combine(run.Path, GmicManifest.FileName));
        var indexPath = Path.Combine(run.Path, GmicCaseGallery.FolderName, GmicCaseGallery.IndexFileName);
        if ((refreshCases || !File.Exists(indexPath)) && File.Exists(run.PredictionsPath) && File.Exists(Path.Combine(run.Path, GmicManifest.WeightsFileName)))
            GmicCaseGallery.Create(run, cancellation: cancellation);

        var metrics = new List<MetricValue>();
        foreach (var o in summary.Outputs)
            if (o.Auc.Estimate is double auc) metrics.Add(new MetricValue($"AUC {o.Name} (y_fusion)", auc, o.Auc.Lower, o.Auc.Upper));
        foreach (var o in summary.Outputs)
        {
            if (o.AucGlobal is double g) metrics.Add(new MetricValue($"AUC {o.Name} (y_global)", g));
            if (o.AucLocal is double l) metrics.Add(new MetricValue($"AUC {o.Name} (y_local)", l));
        }
        if (summary.Localisation is { } loc)
        {
            metrics.Add(new MetricValue("Saliency peak hit rate", loc.PeakHitRate));
            metrics.Add(new MetricValue("Patch hit rate", loc.PatchHitRate));
            metrics.Add(new MetricValue(string.Create(CultureInfo.InvariantCulture, $"Saliency Dice at {loc.DiceThreshold}"), loc.MeanDice));
        }
        var rows = File.Exists(run.PredictionsPath) ? GmicCaseGallery.ReadPredictions(run.PredictionsPath, manifest.Outputs) : [];
        var curves = new List<Reports.Charts.RocCurve>();
        for (var o = 0; o < manifest.Outputs.Count; o++)
        {
            var c = o;
            var labelled = rows.Where(r => r.Targets[c] is not null).ToArray();
            var positives = labelled.Select(r => r.Targets[c] == 1).ToArray();
            if (positives.All(p => p) || positives.All(p => !p)) continue;
            var scores = labelled.Select(r => r.Fusion[c]).ToArray();
            var roc = RocCurve.Compute(positives, scores);
            curves.Add(new Reports.Charts.RocCurve(manifest.Outputs[o], roc.Fpr, roc.Tpr, RocAuc.Binary(positives, scores)));
        }
        var history = File.Exists(run.HistoryPath)
            ? HistoryFile.Read(run.HistoryPath).Rows.Select(r => new EpochHistoryRow(r.Epoch, Value(r.TrainLoss), Value(r.ValLoss), LearningRate: Value(r.LearningRate), Seconds: Value(r.Seconds))).ToList()
            : [];
        var gallery = GmicCaseGallery.Section(run.Path, manifest.Outputs);
        Reports.DatasetSummary? dataset = null;
        if (File.Exists(run.SplitPath))
        {
            // split.csv holds class names; GMIC's outputs are the classes after the negative one.
            using (var reader = new StreamReader(run.SplitPath))
            {
                var table = Data.Datasets.CsvTable.Parse(reader, run.SplitPath);
                var labelColumn = table.Count > 0 ? Data.Datasets.CsvTable.Header(table[0], run.SplitPath).GetValueOrDefault("label", -1) : -1;
                var negative = labelColumn < 0 ? null : table.Skip(1).Select(r => r.Fields[labelColumn]).FirstOrDefault(l => !manifest.Outputs.Contains(l));
                if (negative is not null)
                    dataset = Supervised.ClassificationReportBuilder.CountsPerSplit(run.SplitPath, [negative, .. manifest.Outputs]) with
                    {
                        Description = $"metrics below are measured on the {summary.Split} split ({summary.Images} images) with the weights of epoch {summary.Training.BestEpoch} (best {summary.Training.Monitor}); training: {summary.Training.Message}",
                    };
            }
        }
        var content = new ClassificationReportContent
        {
            Title = $"GMIC run {run.Name}",
            RunName = run.Name,
            RunPath = run.Path,
            Created = run.CreatedUtc,
            Dataset = dataset,
            Metrics = metrics,
            History = history,
            RocCurves = curves,
            RocUnavailableReason = curves.Count == 0 ? "every output has only positives or only negatives in the evaluated split, so no ROC curve is defined" : null,
            ConfigurationYaml = File.Exists(run.ConfigPath) ? File.ReadAllText(run.ConfigPath) : null,
            ExtraSections = [new ReportSection("Held-out evaluation", Lead(summary, manifest)), .. gallery is null ? Array.Empty<ReportSection>() : [gallery]],
        };
        new ClassificationReportPage(content).Write(run.ReportPath);
        return run.ReportPath;
    }

    private static double? Value(double v) => double.IsNaN(v) ? null : v;

    private static string Lead(GmicSummary s, GmicManifest m) =>
        $"<p class=\"lead\">{Markup.Escape(s.Split)} split, {s.Images} images, network input {m.ImageHeight}x{m.ImageWidth} ({Markup.Escape(m.Preprocessing)} preprocessing), " +
        $"K = {m.Patches} patches of {m.CropSize}x{m.CropSize}, top-t = {Markup.Number(m.TopTPercent, 4)}; weights of epoch {s.Training.BestEpoch} (best {Markup.Escape(s.Training.Monitor)}). " +
        $"AUCs are image level, one per output (sigmoid, multi-label); the interval is a 95% percentile bootstrap over images. {Markup.Escape(s.Precision)}.</p>\n" +
        (s.Localisation is { } l
            ? $"<p>Localisation on {l.Images} positive images with a lesion mask: the saliency peak falls on a lesion in {Markup.Percent(l.PeakHitRate, 1)}, at least one patch covers a lesion in {Markup.Percent(l.PatchHitRate, 1)}, mean Dice of the map thresholded at {Markup.Number(l.DiceThreshold, 2)}: {Markup.Fixed(l.MeanDice, 3)}.</p>\n"
            : "<p class=\"na\">No lesion masks in the evaluated split: no localisation measures.</p>\n");
}
