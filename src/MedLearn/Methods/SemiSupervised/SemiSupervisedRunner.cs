using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Methods.Supervised;
using MedLearn.Models;
using MedLearn.Runs;
using MedLearn.Torch;
using MedLearn.Torch.Serialization;
using MedLearn.Training;

namespace MedLearn.Methods.SemiSupervised;

/// <summary>The work behind <see cref="SemiSupervisedTraining.Run"/> and <see cref="SemiSupervisedTraining.Resume"/>.</summary>
internal sealed class SemiSupervisedRunner(SemiSupervisedTrainingOptions options, IEnumerable<ITrainingCallback>? callbacks,
    IProgress<RunPhase>? phases, IProgress<string>? warnings)
{
    /// <summary>Everything derived from the data before a run folder is written (so bad data never leaves one behind).</summary>
    internal sealed record Prepared(DatasetSplit RecordedSplit, DatasetSplit Split, ClassifierManifest Manifest, MeanTeacherSettings Settings, SemiSupervisedBatches Batches,
        SemiSupervisedSummary Summary, SkippedImages Skipped);

    public Prepared Prepare(ImageDataset dataset, RunDirectory? resumeRun, CancellationToken cancellation = default)
    {
        phases?.Report(RunPhase.PreparingData);
        var co = SemiSupervisedSetup.AsClassification(options);
        var recorded = ClassificationSetup.Split(dataset, co, resumeRun?.SplitPath);
        phases?.Report(RunPhase.CheckingImages);
        var skipped = new SkippedImages();
        var split = ClassificationSetup.CheckImages(recorded, co, skipped, cancellation);
        var labeledFile = resumeRun is null ? null : Path.Combine(resumeRun.Path, SemiSupervisedSetup.LabeledFileName);
        var notes = new List<string>();
        // A manifest with a labeled column fixes the labeled set (a published protocol); labeled-fraction is then not used.
        var fixedByManifest = dataset is ManifestDataset { HasLabeledColumn: true };
        var train = labeledFile is not null && File.Exists(labeledFile) ? SemiSupervisedSetup.Partition(split.Train, options, labeledFile)
            : fixedByManifest ? split.Train
            : SemiSupervisedSetup.Partition(split.Train, options);
        split = split with { Train = train };
        var labeledCount = train.Items.Count(i => i.Labeled && i.Label >= 0);
        var fraction = fixedByManifest ? (double)labeledCount / Math.Max(1, train.Count) : options.LabeledFraction;
        if (fixedByManifest)
            notes.Add($"the manifest's labeled column fixes the labeled set ({labeledCount} labeled, {train.Count - labeledCount} unlabeled training images); " +
                $"labeled-fraction {options.LabeledFraction:0.###} is not used");

        var method = options.Method;
        if (method != SemiSupervisedMethod.Supervised && train.UnlabeledIndices().Length == 0)
        {
            notes.Add($"the training split has no unlabeled images (labeled-fraction {fraction:0.###}): " +
                $"{SemiSupervisedTraining.MethodName(method)} falls back to supervised training on the labeled images");
            method = SemiSupervisedMethod.Supervised;
        }
        var classWeights = options.ClassWeights == "balanced" ? ClassBalance.Weights(train) : null;
        var settings = SemiSupervisedSetup.Settings(options, classWeights, method);
        settings.Validate(dataset.Classes.Count);
        if (options.Ordinal && options.ClassOrder is null)
            notes.Add($"ordinal: true without class-order: the stages are taken in the data's order ({string.Join(" < ", dataset.Classes)}); " +
                "set class-order (lowest stage first) if that is not their order");
        var reached = settings.ConsistencyWeightAt(options.Epochs - 1);
        if (method != SemiSupervisedMethod.Supervised && options.ConsistencyWeight > 0 && (options.RampupEpochs > options.Epochs || options.ConsistencyStartEpoch >= options.Epochs))
            notes.Add(RampUpWarning(options, reached));
        var manifest = ClassificationSetup.Manifest(co, dataset.Classes);
        var batches = SemiSupervisedSetup.TrainLoader(train, SemiSupervisedSetup.TrainTransform(manifest, options), options, method);

        var labeled = ClassBalance.Counts(train, labeledOnly: true);
        var all = ClassBalance.Counts(train, labeledOnly: false);
        var withoutLabel = train.Items.Count(i => i.Label < 0);
        var summary = new SemiSupervisedSummary(SemiSupervisedTraining.MethodName(options.Method), SemiSupervisedTraining.MethodName(method), fraction,
            dataset.Classes, labeled, [.. all.Zip(labeled, (a, l) => a - l)], options.LabeledBatchSize,
            method == SemiSupervisedMethod.Supervised ? 0 : options.UnlabeledBatchSize, batches.LabeledRepeats, batches.Loader.BatchesPerEpoch, notes,
            withoutLabel, fixedByManifest ? "manifest" : "labeled-fraction")
        {
            ConsistencyWeight = method == SemiSupervisedMethod.Supervised ? 0 : options.ConsistencyWeight,
            ConsistencyWeightReached = reached,
        };
        foreach (var n in notes) warnings?.Report(n);
        return new Prepared(recorded, split, manifest, settings, batches, summary, skipped);
    }

    /// <summary>
    /// The warning for a consistency ramp-up that does not finish within the run: λ(e) = w · sigmoid_rampup(e, L) reaches
    /// w only at epoch L, so with fewer epochs the unlabeled data is barely used (5 epochs of the default L = 30 end at
    /// λ = 0.023 w) and a comparison with supervised training says little about it.
    /// </summary>
    internal static string RampUpWarning(SemiSupervisedTrainingOptions o, double reached) =>
        o.ConsistencyStartEpoch >= o.Epochs
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"consistency-start-epoch {o.ConsistencyStartEpoch} is not before the end of training ({o.Epochs} epochs): the consistency losses are never used")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the consistency ramp-up (rampup-epochs {o.RampupEpochs:0.##}) is longer than training ({o.Epochs} epochs): the consistency weight only reaches " +
                $"λ = {reached:0.###} of consistency-weight {o.ConsistencyWeight:0.###} in the last epoch ({reached / o.ConsistencyWeight:0.#%} of it), so the unlabeled images count less than configured; " +
                $"use --set rampup-epochs={Math.Max(0, o.Epochs - 1)} or more epochs");

    public SemiSupervisedRun Execute(RunDirectory run, Prepared p, bool resume, CancellationToken cancellation) =>
        RunInterruptedException.Wrap(run.Path, () => ExecuteCore(run, p, resume, cancellation));

    private SemiSupervisedRun ExecuteCore(RunDirectory run, Prepared p, bool resume, CancellationToken cancellation)
    {
        var classes = p.Manifest.Classes;
        if (!resume)
        {
            ConfigWriter.Write(run.ConfigPath, SemiSupervisedSetup.Resolve(options, run.Label), RunProvenance.Comment(options.Seed));
            SplitFile.Write(run.SplitPath, p.RecordedSplit);
            SemiSupervisedSetup.WriteLabeledFile(Path.Combine(run.Path, SemiSupervisedSetup.LabeledFileName), p.Split.Train);
        }
        SkippedImagesRecord.Write(run, p.Skipped.Items);
        MetricsFile.Write(Path.Combine(run.Path, SemiSupervisedSummary.FileName), p.Summary);

        phases?.Report(RunPhase.BuildingModel);
        torch.ManualSeed(options.Seed);
        var backbone = ModelRegistry.Create(options.Model, classes.Count, options.Channels, options.ModelOptions);
        // Weights go into the plain registry model before wrapping (a re-initialised head must be the one the wrapper uses).
        if (options.Weights is { } weights && !resume) RunWeights.Load(run, backbone, weights, options.WeightsStrict, callbacks);
        using var student = new SemiSupervisedClassifier(backbone, options.HeadDropout);
        using var teacher = p.Settings.Method == SemiSupervisedMethod.Supervised ? null : MeanTeacherTask.CreateTeacher(student, options.Model, options.ModelOptions);
        var co = SemiSupervisedSetup.AsClassification(options);
        using var optimizer = ClassificationSetup.Optimizer(student, co);
        var schedule = ClassificationSetup.Schedule(optimizer, co);
        var task = new MeanTeacherTask(student, teacher, classes.Count, p.Settings);
        var val = new DataLoader(p.Split.Val, ClassificationTransforms.Eval(p.Manifest),
            new DataLoaderOptions { BatchSize = options.EvalBatchSize, Workers = options.Workers, OnError = options.OnError });
        var trainerOptions = TrainerOptions.ForRun(options, run.CheckpointsDir, ClassificationSetup.GoalOf(options.Monitor)) with { ValidateEvery = options.ValidateEvery };
        p.Skipped.Watch(p.Batches.Loader, "train");
        p.Skipped.Watch(val, "val");
        using var recorder = new RunHistoryRecorder(run);
        var trainer = new Trainer(task, optimizer, schedule, trainerOptions, [recorder, .. callbacks ?? []]);

        phases?.Report(RunPhase.Training);
        var result = trainer.Fit(p.Batches.Loader, val, ResumeCheckpoint.Of(run, resume), cancellation);
        var plan = Torch.Amp.PrecisionPlan.Resolve(options.Precision, Device.CPU);
        SkippedImagesRecord.Write(run, p.Skipped.Items);
        // Data parallel: only rank 0 evaluates and writes the run folder; the other ranks are done after training.
        if (result.Status is TrainingStatus.Cancelled or TrainingStatus.Diverged || !trainer.IsCheckpointWriter)
            return new SemiSupervisedRun(new ClassificationRun(run, result, null, "", null, plan.Reason) { Skipped = p.Skipped.Items }, p.Summary);

        // The student of the best validation epoch is exported into a plain registry model (same state-dict names).
        using var exported = ModelRegistry.Create(options.Model, classes.Count, options.Channels, options.ModelOptions);
        using (DisposeScope.Open())
            exported.LoadStateDict(result.BestCheckpoint is { } best ? Checkpoint.Load(best).Model : student.StateDict());
        var outcome = HeldOutEvaluation.Run(run, exported, p.Manifest, p.Split, classes, result,
            new HeldOutEvaluation.Settings(options.EvalBatchSize, options.Workers, options.OnError, options.Precision, options.BootstrapSamples, options.Seed,
                options.PenaltyMatrix, options.LatencyImages, options.LatencyWarmup, options.Monitor), phases, cancellation, callbacks, p.Skipped);
        cancellation.ThrowIfCancellationRequested();
        SemiSupervisedReport.Rebuild(run, options.ReportSamples);
        return new SemiSupervisedRun(outcome, p.Summary);
    }
}
