using MedLearn.Data.Datasets;
using MedLearn.Metrics;
using MedLearn.Reports;
using MedLearn.Runs;
using MedLearn.Training;

namespace MedLearn.Methods.Supervised;

/// <summary>The work behind <see cref="ClassificationTraining.Evaluate"/>.</summary>
internal static class ClassificationEvaluator
{
    public static ClassificationEvaluationRun Evaluate(string runDirectory, string data, ClassificationEvaluateOptions options,
        IProgress<int>? progress, CancellationToken cancellation, IProgress<PhaseProgress>? phases = null)
    {
        var run = RunDirectory.Open(runDirectory);
        using var classifier = TrainedClassifier.Load(run.Path, options.Precision);
        var dataset = MapToRunClasses(LoadLabeled(data), classifier.Manifest.Classes, data, run.Path);
        IProgress<int>? Phase(string name, int total, string unit, IProgress<int>? also = null) =>
            phases is null && also is null ? null : new CountProgress(n => { also?.Report(n); phases?.Report(new PhaseProgress(name, n, total, unit)); });
        var skipped = new Data.Loading.SkippedImages();
        var outputs = classifier.Evaluate(dataset, options.BatchSize, options.Workers, options.OnError,
            Phase(ProgressPhases.Evaluation, dataset.Count, "images", progress), cancellation, skipped, "evaluate");
        var metrics = ClassificationEvaluation.Compute(outputs.Targets, outputs.Probabilities, classifier.Manifest.Classes,
            new ClassificationEvaluationOptions { BootstrapSamples = options.BootstrapSamples, BootstrapSeed = (int)(classifier.Manifest.Seed % int.MaxValue) });
        // Latency on images that were read (the same measurement as at the end of training).
        var times = classifier.MeasureLatency(outputs.Paths, options.LatencyImages, options.LatencyWarmup,
            Phase(ProgressPhases.Latency, options.LatencyImages + options.LatencyWarmup, "passes"));
        var latency = options.LatencyImages > 0 && times.Length > 0 ? LatencyStatistics.Compute(times, options.LatencyWarmup) : null;
        var folder = RunDirectory.Create(Path.Combine(run.Path, RunKinds.EvaluationsFolderName), options.Label, kind: RunKinds.Evaluation);
        var training = File.Exists(run.MetricsPath)
            ? MetricsFile.Read<RunSummary>(run.MetricsPath).Training
            : new TrainingSummary("unknown", 0, null, "", null, "the run has no metrics.json");
        var summary = new RunSummary(Path.GetFullPath(data), outputs.Count, metrics, latency, classifier.Plan.Reason, training, skipped.Items);
        RunArtifacts.Write(folder.MetricsPath, folder.PredictionsPath, summary, outputs, classifier.Manifest.Classes);
        Report(folder);
        return new ClassificationEvaluationRun(folder.Path, metrics) { Latency = latency, Skipped = skipped.Items };
    }

    /// <summary>
    /// Writes report.html of an evaluation folder (RUN/evaluations/&lt;time&gt;-&lt;label&gt;) from its files and its run's
    /// configuration and history: metrics, the evaluated data (images per class, the data's path), latency, samples.
    /// </summary>
    public static string Report(RunDirectory folder)
    {
        var run = Path.GetDirectoryName(Path.GetDirectoryName(folder.Path))!;
        var summary = MetricsFile.Read<RunSummary>(folder.MetricsPath);
        var content = ClassificationReportBuilder.Content(folder.Path, $"{Path.GetFileName(run)} on {Path.GetFileName(Path.TrimEndingDirectorySeparator(summary.Split))}",
            folder.CreatedUtc, Path.Combine(run, RunDirectory.ConfigFileName), null, Path.Combine(run, RunDirectory.HistoryFileName), folder.MetricsPath,
            folder.PredictionsPath, 12);
        if (content.Dataset is null && File.Exists(folder.PredictionsPath))
        {
            var predictions = PredictionsFile.Read(folder.PredictionsPath);
            var classes = summary.Metrics.ClassNames;
            var perClass = new long[classes.Count];
            foreach (var r in predictions.Rows)
                if (r.TrueLabel is { } t && classes.ToList().IndexOf(t) is var i and >= 0) perClass[i]++;
            content = content with
            {
                Dataset = new DatasetSummary(classes, [new SplitCounts("evaluated", perClass)])
                {
                    Description = $"{summary.Images} images of {summary.Split}, evaluated with the exported model of run {Path.GetFileName(run)} " +
                        $"(trained: {summary.Training.Message})",
                },
            };
        }
        new ClassificationReportPage(content).Write(folder.ReportPath);
        return folder.ReportPath;
    }

    private sealed class CountProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    private static ImageDataset LoadLabeled(string data)
    {
        var (dataset, kind) = DatasetLayout.Open(data);
        if (kind is not (DatasetKind.ClassFolders or DatasetKind.Manifest or DatasetKind.FolderManifest))
            throw new DatasetException($"{data}: a {DatasetLayout.Describe(kind)} dataset, not a classification one (give a folder root/<class>/<image>, a folder with {DatasetLayout.ManifestFileName}, or a .csv manifest)");
        return dataset;
    }

    /// <summary>
    /// Re-labels <paramref name="dataset"/> with the run's class indices. The data may hold a subset of the run's
    /// classes; a class the run does not know is an error naming both class lists.
    /// </summary>
    internal static ImageDataset MapToRunClasses(ImageDataset dataset, IReadOnlyList<string> runClasses, string data, string run)
    {
        var unknown = dataset.Classes.Where(c => !runClasses.Contains(c)).ToArray();
        if (unknown.Length > 0)
            throw new DatasetException($"{data}: class{(unknown.Length > 1 ? "es" : "")} {string.Join(", ", unknown.Select(u => $"'{u}'"))} " +
                $"{(unknown.Length > 1 ? "are" : "is")} not among the classes the run {run} was trained on ({string.Join(", ", runClasses)})");
        var items = dataset.Items.Select(i => i.Label < 0 ? i : i with { Label = runClasses.ToList().IndexOf(dataset.Classes[(int)i.Label]) }).ToList();
        return new ImageDataset(items, runClasses);
    }
}
