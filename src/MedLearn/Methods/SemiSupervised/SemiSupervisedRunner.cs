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
    internal sealed record Prepared(DatasetSplit Split, ClassifierManifest Manifest, MeanTeacherSettings Settings, SemiSupervisedBatches Batches,
        SemiSupervisedSummary Summary);

    public Prepared Prepare(ImageDataset dataset, RunDirectory? resumeRun)
    {
        phases?.Report(RunPhase.PreparingData);
        var co = SemiSupervisedSetup.AsClassification(options);
        var split = ClassificationSetup.Split(dataset, co, resumeRun?.SplitPath);
        var labeledFile = resumeRun is null ? null : Path.Combine(resumeRun.Path, SemiSupervisedSetup.LabeledFileName);
        var train = SemiSupervisedSetup.Partition(split.Train, options, labeledFile is not null && File.Exists(labeledFile) ? labeledFile : null);
        split = split with { Train = train };

        var notes = new List<string>();
        var method = options.Method;
        if (method != SemiSupervisedMethod.Supervised && train.UnlabeledIndices().Length == 0)
        {
            notes.Add($"the training split has no unlabeled images (labeled-fraction {options.LabeledFraction:0.###}): " +
                $"{SemiSupervisedTraining.MethodName(method)} falls back to supervised training on the labeled images");
            method = SemiSupervisedMethod.Supervised;
        }
        var classWeights = options.ClassWeights == "balanced" ? ClassBalance.Weights(train) : null;
        var settings = SemiSupervisedSetup.Settings(options, classWeights, method);
        settings.Validate(dataset.Classes.Count);
        var manifest = ClassificationSetup.Manifest(co, dataset.Classes);
        var batches = SemiSupervisedSetup.TrainLoader(train, SemiSupervisedSetup.TrainTransform(manifest, options), options, method);

        var labeled = ClassBalance.Counts(train, labeledOnly: true);
        var all = ClassBalance.Counts(train, labeledOnly: false);
        var summary = new SemiSupervisedSummary(SemiSupervisedTraining.MethodName(options.Method), SemiSupervisedTraining.MethodName(method), options.LabeledFraction,
            dataset.Classes, labeled, [.. all.Zip(labeled, (a, l) => a - l)], options.LabeledBatchSize,
            method == SemiSupervisedMethod.Supervised ? 0 : options.UnlabeledBatchSize, batches.LabeledRepeats, batches.Loader.BatchesPerEpoch, notes);
        foreach (var n in notes) warnings?.Report(n);
        return new Prepared(split, manifest, settings, batches, summary);
    }

    public SemiSupervisedRun Execute(RunDirectory run, Prepared p, bool resume, CancellationToken cancellation) =>
        RunInterruptedException.Wrap(run.Path, () => ExecuteCore(run, p, resume, cancellation));

    private SemiSupervisedRun ExecuteCore(RunDirectory run, Prepared p, bool resume, CancellationToken cancellation)
    {
        var classes = p.Manifest.Classes;
        if (!resume)
        {
            ConfigWriter.Write(run.ConfigPath, options, RunProvenance.Comment(options.Seed));
            SplitFile.Write(run.SplitPath, p.Split);
            SemiSupervisedSetup.WriteLabeledFile(Path.Combine(run.Path, SemiSupervisedSetup.LabeledFileName), p.Split.Train);
        }
        MetricsFile.Write(Path.Combine(run.Path, SemiSupervisedSummary.FileName), p.Summary);

        phases?.Report(RunPhase.BuildingModel);
        torch.ManualSeed(options.Seed);
        var backbone = ModelRegistry.Create(options.Model, classes.Count, options.Channels);
        // Weights go into the plain registry model before wrapping (a re-initialised head must be the one the wrapper uses).
        if (options.Weights is { } weights && !resume) RunWeights.Load(run, backbone, weights, options.WeightsStrict, callbacks);
        using var student = new SemiSupervisedClassifier(backbone, options.HeadDropout);
        using var teacher = p.Settings.Method == SemiSupervisedMethod.Supervised ? null : MeanTeacherTask.CreateTeacher(student, options.Model);
        var co = SemiSupervisedSetup.AsClassification(options);
        using var optimizer = ClassificationSetup.Optimizer(student, co);
        var schedule = ClassificationSetup.Schedule(optimizer, co);
        var task = new MeanTeacherTask(student, teacher, classes.Count, p.Settings);
        var val = new DataLoader(p.Split.Val, ClassificationTransforms.Eval(p.Manifest),
            new DataLoaderOptions { BatchSize = options.EvalBatchSize, Workers = options.Workers, OnError = options.OnError });
        var trainerOptions = new TrainerOptions
        {
            Epochs = options.Epochs,
            Precision = options.Precision,
            Seed = options.Seed,
            GradientClipNorm = options.GradientClipNorm,
            CheckpointDirectory = run.CheckpointsDir,
            KeepBest = options.KeepBest,
            MonitorMetric = options.Monitor,
            MonitorGoal = ClassificationSetup.GoalOf(options.Monitor),
            EarlyStoppingPatience = options.EarlyStoppingPatience,
            ValidateEvery = options.ValidateEvery,
        };
        using var recorder = new RunHistoryRecorder(run);
        var trainer = new Trainer(task, optimizer, schedule, trainerOptions, [recorder, .. callbacks ?? []]);

        phases?.Report(RunPhase.Training);
        var lastCheckpoint = Path.Combine(run.CheckpointsDir, Trainer.LastCheckpointName);
        if (resume && !File.Exists(lastCheckpoint))
            throw new InvalidDataException($"{run.Path}: no {Path.Combine(RunDirectory.CheckpointsFolderName, Trainer.LastCheckpointName)} to resume from");
        var result = trainer.Fit(p.Batches.Loader, val, resume ? lastCheckpoint : null, cancellation);
        var plan = Torch.Amp.PrecisionPlan.Resolve(options.Precision, Device.CPU);
        if (result.Status is TrainingStatus.Cancelled or TrainingStatus.Diverged)
            return new SemiSupervisedRun(new ClassificationRun(run, result, null, "", null, plan.Reason), p.Summary);

        // The student of the best validation epoch is exported into a plain registry model (same state-dict names).
        using var exported = ModelRegistry.Create(options.Model, classes.Count, options.Channels);
        using (DisposeScope.Open())
            exported.LoadStateDict(result.BestCheckpoint is { } best ? Checkpoint.Load(best).Model : student.StateDict());
        var outcome = HeldOutEvaluation.Run(run, exported, p.Manifest, p.Split, classes, result,
            new HeldOutEvaluation.Settings(options.EvalBatchSize, options.Workers, options.OnError, options.Precision, options.BootstrapSamples, options.Seed,
                options.PenaltyMatrix, options.LatencyImages, options.LatencyWarmup, options.Monitor), phases, cancellation);
        cancellation.ThrowIfCancellationRequested();
        SemiSupervisedReport.Rebuild(run, options.ReportSamples);
        return new SemiSupervisedRun(outcome, p.Summary);
    }
}
