using MedLearn.Data.Datasets;
using MedLearn.Methods.Supervised;
using MedLearn.Models.Gmic;
using MedLearn.Runs;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Serialization;

namespace MedLearn.Methods.Gmic;

/// <summary>The outcome of <see cref="GmicEvaluation.Evaluate"/>.</summary>
/// <param name="Folder">The evaluation folder (metrics.json, predictions.csv, breasts.csv when views are present).</param>
/// <param name="Summary">The metrics.</param>
public sealed record GmicEvaluationRun(string Folder, GmicSummary Summary);

/// <summary>
/// A trained GMIC run (gmic.pt + gmic.json) on labelled data (<c>medlearn evaluate --run RUN --data CSV</c>): the same
/// metrics as the held-out evaluation at the end of training — per output the image-level AUC of y_fusion with its
/// bootstrap 95% CI (and of y_global, y_local), localisation against masks, breast-level AUCs when the manifest has
/// view/laterality/exam columns and the reader hybrid when it has a reader column — written to a new folder
/// RUN/evaluations/&lt;time&gt;-&lt;label&gt;. Every image is checked through the preprocessing first, and the missing-view
/// policy is applied, before the folder is created.
/// </summary>
public static class GmicEvaluation
{
    /// <summary>Evaluates <paramref name="runDirectory"/> on <paramref name="data"/> (a CSV manifest or a class folder).</summary>
    /// <exception cref="DatasetException">Bad data (named file and row), a class the run does not know, a missing view under fail.</exception>
    public static GmicEvaluationRun Evaluate(string runDirectory, string data, GmicEvaluateOptions options, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.ReaderLambda is >= 0 and <= 1)) throw new ArgumentException($"reader-lambda: must be in [0, 1] (got {options.ReaderLambda})");
        var run = RunDirectory.Open(runDirectory);
        var manifest = GmicManifest.Read(Path.Combine(run.Path, GmicManifest.FileName));
        var scheme = manifest.LabelScheme;
        var screening = Load(data, scheme);
        var transform = GmicPreprocessing.Create(manifest.ImageHeight, manifest.ImageWidth, manifest.Preprocessing,
            screening.HasLaterality ? screening.Laterality : null, manifest.CropSize);
        var problems = GmicInputCheck.Find(screening.Dataset, transform, cancellation);
        screening = screening with { Dataset = GmicInputCheck.Enforce(screening.Dataset, problems, options.OnError) };
        if (screening.Dataset.Count == 0) throw new DatasetException($"{data}: no usable image");
        if (screening.HasViews && options.MissingViews == MissingViewPolicy.Fail) // refused before the model runs
            BreastAggregation.Aggregate([.. screening.Dataset.Items.Select(i => (i.Path, new float[scheme.Outputs.Count], (float[]?)null))], screening.Info,
                MissingViewPolicy.Fail, screening.Source);

        var plan = PrecisionPlan.Resolve(options.Precision, Device.CPU);
        using var model = new GmicModel(manifest.ModelOptions);
        using (DisposeScope.Open()) model.LoadStateDictFromFile(Path.Combine(run.Path, GmicManifest.WeightsFileName));
        var predictions = GmicEvaluator.Predict(plan.Apply(model), screening.Dataset, plan, transform, scheme, manifest.ImageHeight, manifest.ImageWidth,
            options.BatchSize, options.Workers, options.OnError, options.DiceThreshold, progress, cancellation);

        var seed = (int)(manifest.Seed % int.MaxValue);
        var settings = new GmicExamSummaryBuilder.Settings(options.MissingViews, options.ReaderLambda, options.ReaderOutput, options.BootstrapSamples, seed);
        var breasts = GmicExamSummaryBuilder.Breasts(predictions, screening, options.MissingViews);
        var training = File.Exists(run.MetricsPath)
            ? MetricsFile.Read<GmicSummary>(run.MetricsPath).Training
            : new TrainingSummary("unknown", 0, null, "", null, "the run has no metrics.json");
        var summary = new GmicSummary(Path.GetFullPath(data), predictions.Count,
            GmicSummaryBuilder.Outputs(predictions, scheme.Outputs, options.BootstrapSamples, seed),
            GmicSummaryBuilder.Localisation(predictions, options.DiceThreshold), plan.Reason, training)
        {
            Breasts = GmicExamSummaryBuilder.BreastMetrics(breasts, scheme.Outputs, settings),
            Hybrid = GmicExamSummaryBuilder.Hybrid(predictions, screening, breasts, scheme.Outputs, settings),
        };
        var folder = RunDirectory.Create(Path.Combine(run.Path, RunKinds.EvaluationsFolderName), options.Label, kind: RunKinds.Evaluation);
        GmicPredictionsFile.Write(folder.PredictionsPath, predictions, scheme.Outputs);
        if (breasts is { } b) BreastPredictionsFile.Write(Path.Combine(folder.Path, BreastPredictionsFile.FileName), b.Breasts, scheme.Outputs);
        MetricsFile.Write(folder.MetricsPath, summary);
        return new GmicEvaluationRun(folder.Path, summary);
    }

    /// <summary>The evaluation data with the run's classes or target columns.</summary>
    private static ScreeningData Load(string data, GmicLabelScheme scheme)
    {
        if (scheme.IsMultiLabel) return ScreeningManifest.Load(data, scheme.Outputs);
        IReadOnlyList<string> classes = [scheme.NegativeClass!, .. scheme.Outputs];
        if (File.Exists(data) && data.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) return ScreeningManifest.Load(data, null, classes);
        var folder = FolderDataset.Load(data);
        var index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var unknown = folder.Classes.Where(c => !index.ContainsKey(c)).ToList();
        if (unknown.Count > 0) throw new DatasetException($"{data}: class folder{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown)} not known to the run (classes: {string.Join(", ", classes)})");
        var items = folder.Items.Select(i => i with { Label = i.Label < 0 ? -1 : index[folder.Classes[i.Label]] }).ToList();
        return new ScreeningData(data, new ImageDataset(items, classes), scheme, new Dictionary<string, ScreeningImageInfo>(), false, false, false, false);
    }
}
