using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Explain;
using MedLearn.Metrics;
using MedLearn.Models;
using MedLearn.Runs;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Serialization;
using MedLearn.Training;

namespace MedLearn.Methods.Supervised;

/// <summary>The work behind <see cref="ClassificationTraining.Run"/> and <see cref="ClassificationTraining.Resume"/>.</summary>
internal sealed class ClassificationRunner(ClassificationTrainingOptions options, IEnumerable<ITrainingCallback>? callbacks, IProgress<RunPhase>? phases)
{
    /// <summary>Everything derived from the data before a run folder is written (so bad data never leaves one behind).</summary>
    /// <param name="RecordedSplit">The split as written to split.csv (every image, so a resume re-reads it against the same dataset).</param>
    /// <param name="Split">The split trained and evaluated on (unreadable images left out under on-error skip).</param>
    /// <param name="Manifest">The model manifest.</param>
    /// <param name="Skipped">Images left out, filled further by every phase.</param>
    internal sealed record Prepared(DatasetSplit RecordedSplit, DatasetSplit Split, ClassifierManifest Manifest, SkippedImages Skipped);

    public Prepared Prepare(ImageDataset dataset, RunDirectory? resumeRun, CancellationToken cancellation)
    {
        phases?.Report(RunPhase.PreparingData);
        var recorded = ClassificationSetup.Split(dataset, options, resumeRun?.SplitPath);
        phases?.Report(RunPhase.CheckingImages);
        var skipped = new SkippedImages();
        var split = ClassificationSetup.CheckImages(recorded, options, skipped, cancellation);
        return new Prepared(recorded, split, ClassificationSetup.Manifest(options, dataset.Classes), skipped);
    }

    public ClassificationRun Execute(RunDirectory run, Prepared p, ImageDataset dataset, bool resume, CancellationToken cancellation) =>
        RunInterruptedException.Wrap(run.Path, () => ExecuteCore(run, p, dataset, resume, cancellation));

    private ClassificationRun ExecuteCore(RunDirectory run, Prepared p, ImageDataset dataset, bool resume, CancellationToken cancellation)
    {
        var explainMethod = ExplainMethods.Parse(options.ExplainMethod);
        if (!resume)
        {
            ConfigWriter.Write(run.ConfigPath, ClassificationSetup.Resolve(options), RunProvenance.Comment(options.Seed));
            SplitFile.Write(run.SplitPath, p.RecordedSplit);
        }
        SkippedImagesRecord.Write(run, p.Skipped.Items);
        var split = p.Split;
        var manifest = p.Manifest;
        var skipped = p.Skipped;

        phases?.Report(RunPhase.BuildingModel);
        torch.ManualSeed(options.Seed);
        using var model = ModelRegistry.Create(options.Model, dataset.Classes.Count, options.Channels, options.ModelOptions);
        if (options.Weights is { } weights && !resume)
            RunWeights.Load(run, model, weights, options.WeightsStrict, callbacks);
        foreach (var pattern in options.Freeze) model.Freeze(pattern);
        foreach (var pattern in options.Unfreeze) model.Unfreeze(pattern);
        using var optimizer = ClassificationSetup.Optimizer(model, options);
        var schedule = ClassificationSetup.Schedule(optimizer, options);
        double[]? classWeights = options.ClassWeights == "balanced" ? ClassBalance.Weights(split.Train) : null;
        var task = new SupervisedClassificationTask(model, dataset.Classes.Count, classWeights, options.LabelSmoothing);

        var train = new DataLoader(split.Train, ClassificationTransforms.Train(manifest, options.CropScale, options.CropRatio, options.HorizontalFlip),
            new DataLoaderOptions { BatchSize = options.BatchSize, Shuffle = true, DropLast = split.Train.Count > options.BatchSize, Seed = options.Seed, Workers = options.Workers, OnError = options.OnError });
        var val = new DataLoader(split.Val, ClassificationTransforms.Eval(manifest),
            new DataLoaderOptions { BatchSize = options.EvalBatchSize, Workers = options.Workers, OnError = options.OnError });
        skipped.Watch(train, "train");
        skipped.Watch(val, "val");
        var trainerOptions = TrainerOptions.ForRun(options, run.CheckpointsDir, ClassificationSetup.GoalOf(options.Monitor));
        using var recorder = new RunHistoryRecorder(run);
        var trainer = new Trainer(task, optimizer, schedule, trainerOptions, [recorder, .. callbacks ?? []]);

        phases?.Report(RunPhase.Training);
        var result = trainer.Fit(train, val, ResumeCheckpoint.Of(run, resume), cancellation);
        // Data parallel: only rank 0 evaluates and writes the run folder; the other ranks are done after training.
        var plan = PrecisionPlan.Resolve(options.Precision, Device.CPU);
        SkippedImagesRecord.Write(run, skipped.Items);
        if (result.Status is TrainingStatus.Cancelled or TrainingStatus.Diverged || !trainer.IsCheckpointWriter)
            return new ClassificationRun(run, result, null, "", null, plan.Reason) { Skipped = skipped.Items };

        // Method 5 keeps the best-validation weights: export them (not the last epoch's).
        if (result.BestCheckpoint is { } best)
        {
            using var scope = DisposeScope.Open();
            model.LoadStateDict(Checkpoint.Load(best).Model);
        }
        model.SaveStateDictToFile(Path.Combine(run.Path, ClassifierManifest.WeightsFileName));
        manifest.Write(Path.Combine(run.Path, ClassifierManifest.FileName));

        phases?.Report(RunPhase.Evaluating);
        var evaluated = split.Test.Count > 0 ? split.Test : split.Val;
        var splitName = split.Test.Count > 0 ? "test" : "val";
        using var classifier = new TrainedClassifier(model, manifest, options.Precision);
        var outputs = classifier.Evaluate(evaluated, options.EvalBatchSize, options.Workers, options.OnError,
            PhaseProgress.To(callbacks, ProgressPhases.Evaluation, evaluated.Count, "images"), cancellation, skipped, splitName);
        var metrics = ClassificationEvaluation.Compute(outputs.Targets, outputs.Probabilities, dataset.Classes, new ClassificationEvaluationOptions
        {
            BootstrapSamples = options.BootstrapSamples,
            BootstrapSeed = (int)(options.Seed % int.MaxValue),
            CostMatrix = options.PenaltyMatrix?.Select(r => r.ToArray()).ToArray(),
        });

        phases?.Report(RunPhase.MeasuringLatency);
        // Timed on images the evaluation has just read (an image skipped there is not read again).
        var latencyTimes = classifier.MeasureLatency(outputs.Paths, options.LatencyImages, options.LatencyWarmup,
            PhaseProgress.To(callbacks, ProgressPhases.Latency, options.LatencyImages + options.LatencyWarmup, "passes"));
        var latency = options.LatencyImages > 0 && latencyTimes.Length > 0 ? LatencyStatistics.Compute(latencyTimes, options.LatencyWarmup) : null;
        cancellation.ThrowIfCancellationRequested();

        phases?.Report(RunPhase.WritingReport);
        var summary = new RunSummary(splitName, outputs.Count, metrics, latency, plan.Reason, TrainingSummary.From(result, options.Monitor), skipped.Items);
        RunArtifacts.Write(run.MetricsPath, run.PredictionsPath, summary, outputs, dataset.Classes);
        var before = skipped.Count;
        ExplanationReport.Create(run, options.ExplainSamples, new ExplanationSettings { Method = explainMethod }, options.Precision, cancellation,
            total => PhaseProgress.To(callbacks, ProgressPhases.Explanations, total, "images"), skipped);
        if (skipped.Count != before) MetricsFile.Write(run.MetricsPath, summary with { Skipped = skipped.Items });
        SkippedImagesRecord.Write(run, skipped.Items);
        cancellation.ThrowIfCancellationRequested();
        ClassificationReportBuilder.Rebuild(run);
        return new ClassificationRun(run, result, metrics, splitName, latency, plan.Reason) { Skipped = skipped.Items };
    }
}
