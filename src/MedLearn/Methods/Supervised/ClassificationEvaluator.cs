using MedLearn.Data.Datasets;
using MedLearn.Metrics;
using MedLearn.Reports;
using MedLearn.Runs;

namespace MedLearn.Methods.Supervised;

/// <summary>The work behind <see cref="ClassificationTraining.Evaluate"/>.</summary>
internal static class ClassificationEvaluator
{
    public static ClassificationEvaluationRun Evaluate(string runDirectory, string data, ClassificationEvaluateOptions options,
        IProgress<int>? progress, CancellationToken cancellation)
    {
        var run = RunDirectory.Open(runDirectory);
        using var classifier = TrainedClassifier.Load(run.Path, options.Precision);
        var dataset = MapToRunClasses(LoadLabeled(data), classifier.Manifest.Classes, data, run.Path);
        var skipped = new Data.Loading.SkippedImages();
        var outputs = classifier.Evaluate(dataset, options.BatchSize, options.Workers, options.OnError, progress, cancellation, skipped, "evaluate");
        var metrics = ClassificationEvaluation.Compute(outputs.Targets, outputs.Probabilities, classifier.Manifest.Classes,
            new ClassificationEvaluationOptions { BootstrapSamples = options.BootstrapSamples, BootstrapSeed = (int)(classifier.Manifest.Seed % int.MaxValue) });
        var folder = RunDirectory.Create(Path.Combine(run.Path, "evaluations"), options.Label);
        var training = File.Exists(run.MetricsPath)
            ? MetricsFile.Read<RunSummary>(run.MetricsPath).Training
            : new TrainingSummary("unknown", 0, null, "", null, "the run has no metrics.json");
        var summary = new RunSummary(Path.GetFullPath(data), outputs.Count, metrics, null, classifier.Plan.Reason, training, skipped.Items);
        RunArtifacts.Write(folder.MetricsPath, folder.PredictionsPath, summary, outputs, classifier.Manifest.Classes);
        var content = ClassificationReportBuilder.Content(folder.Path, $"{run.Name} on {Path.GetFileName(Path.TrimEndingDirectorySeparator(data))}", folder.CreatedUtc,
            run.ConfigPath, null, run.HistoryPath, folder.MetricsPath, folder.PredictionsPath, 12);
        new ClassificationReportPage(content).Write(folder.ReportPath);
        return new ClassificationEvaluationRun(folder.Path, metrics) { Skipped = skipped.Items };
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
