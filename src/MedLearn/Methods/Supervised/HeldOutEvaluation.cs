using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Metrics;
using MedLearn.Models;
using MedLearn.Runs;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Serialization;
using MedLearn.Training;

namespace MedLearn.Methods.Supervised;

/// <summary>
/// The end of a classification run, shared by every method that exports a registry classifier: writes model.pt
/// (a plain torchvision-compatible state dict) and model.json, evaluates the exported model on the test split (the
/// validation split when there is no test part) through <see cref="TrainedClassifier"/> (the same path as
/// <c>medlearn evaluate</c>), measures the per-image latency and writes metrics.json and predictions.csv.
/// </summary>
internal static class HeldOutEvaluation
{
    /// <summary>What the evaluation needs besides the model.</summary>
    internal sealed record Settings(int EvalBatchSize, int Workers, ErrorPolicy OnError, Torch.Amp.Precision Precision, int BootstrapSamples, ulong Seed,
        IReadOnlyList<IReadOnlyList<double>>? PenaltyMatrix, int LatencyImages, int LatencyWarmup, string Monitor);

    /// <summary>
    /// Exports <paramref name="model"/> (which holds the weights to deploy; it is prepared for inference in place)
    /// and evaluates it; returns the run's outcome.
    /// </summary>
    public static ClassificationRun Run(RunDirectory run, ImageClassifier model, ClassifierManifest manifest, DatasetSplit split, IReadOnlyList<string> classes,
        TrainingResult result, Settings s, IProgress<RunPhase>? phases, CancellationToken cancellation, IEnumerable<ITrainingCallback>? callbacks = null,
        SkippedImages? skipped = null)
    {
        model.SaveStateDictToFile(Path.Combine(run.Path, ClassifierManifest.WeightsFileName));
        manifest.Write(Path.Combine(run.Path, ClassifierManifest.FileName));

        phases?.Report(RunPhase.Evaluating);
        var evaluated = split.Test.Count > 0 ? split.Test : split.Val;
        var splitName = split.Test.Count > 0 ? "test" : "val";
        using var classifier = new TrainedClassifier(model, manifest, s.Precision);
        var outputs = classifier.Evaluate(evaluated, s.EvalBatchSize, s.Workers, s.OnError,
            PhaseProgress.To(callbacks, ProgressPhases.Evaluation, evaluated.Count, "images"), cancellation, skipped, splitName);
        var metrics = ClassificationEvaluation.Compute(outputs.Targets, outputs.Probabilities, classes, new ClassificationEvaluationOptions
        {
            BootstrapSamples = s.BootstrapSamples,
            BootstrapSeed = (int)(s.Seed % int.MaxValue),
            CostMatrix = s.PenaltyMatrix?.Select(r => r.ToArray()).ToArray(),
        });

        phases?.Report(RunPhase.MeasuringLatency);
        var times = classifier.MeasureLatency(outputs.Paths, s.LatencyImages, s.LatencyWarmup, // images the evaluation read
            PhaseProgress.To(callbacks, ProgressPhases.Latency, s.LatencyImages + s.LatencyWarmup, "passes"));
        var latency = s.LatencyImages > 0 && times.Length > 0 ? LatencyStatistics.Compute(times, s.LatencyWarmup) : null;
        cancellation.ThrowIfCancellationRequested();

        phases?.Report(RunPhase.WritingReport);
        var plan = PrecisionPlan.Resolve(s.Precision, MedLearn.Torch.Device.CPU);
        var summary = new RunSummary(splitName, outputs.Count, metrics, latency, plan.Reason, TrainingSummary.From(result, s.Monitor), skipped?.Items);
        RunArtifacts.Write(run.MetricsPath, run.PredictionsPath, summary, outputs, classes);
        if (skipped is not null) SkippedImagesRecord.Write(run, skipped.Items);
        return new ClassificationRun(run, result, metrics, splitName, latency, plan.Reason) { Skipped = skipped?.Items ?? [] };
    }
}
