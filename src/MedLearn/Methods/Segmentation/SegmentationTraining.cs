using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Data.Transforms;
using MedLearn.Methods.Supervised;
using MedLearn.Models.Segmentation;
using MedLearn.Runs;
using MedLearn.Torch;
using MedLearn.Torch.Optim;
using MedLearn.Torch.Optim.Schedulers;
using MedLearn.Torch.Serialization;
using MedLearn.Training;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// Semi-supervised 3-D segmentation training (supervised, mean teacher or UG-MCL) into a new run folder: seeded split
/// into held-out test / labeled / unlabeled volumes, two-stream batches (labeled first), the <see cref="UgMclTask"/> on the
/// shared <see cref="Trainer"/> with an iteration-based SGD schedule, optional validation every N iterations (best-k
/// checkpoints by validation Dice), resume from last.pt, then sliding-window evaluation of the test volumes, slice montages
/// and report.html.
/// </summary>
public static class SegmentationTraining
{
    /// <summary>Per-case metrics file in the run folder.</summary>
    public const string CasesFileName = "test_cases.csv";

    /// <summary>The trained student's state dict (PyTorch-loadable) in the run folder.</summary>
    public const string ModelFileName = "model.pt";

    /// <summary>The network's architecture and options (JSON, <see cref="SegmentationNetworkFile"/>) in the run folder, to rebuild it for prediction.</summary>
    public const string NetworkFileName = "network.json";

    /// <summary>Rebuilds the trained network of run folder <paramref name="runPath"/> (weights loaded, evaluation mode).</summary>
    /// <exception cref="RunFileException">network.json or model.pt is missing or unreadable.</exception>
    public static SegmentationNetwork LoadNetwork(string runPath)
    {
        var net = SegmentationNetworkFile.Create(Path.Combine(runPath, NetworkFileName));
        var weights = Path.Combine(runPath, ModelFileName);
        if (!File.Exists(weights))
        {
            net.Dispose();
            throw new RunFileException(weights, $"{weights}: not found (the run did not finish training)");
        }
        using (DisposeScope.Open()) net.LoadStateDict(StateDictFile.Load(weights));
        net.Eval();
        return net;
    }

    /// <summary>The <see cref="SegmentationTrainingOptions"/> of the run (JSON), read by <see cref="Resume"/>.</summary>
    public const string OptionsFileName = "segment_options.json";

    /// <summary>Kind recorded in run.json (<see cref="RunKinds.Segment"/>).</summary>
    public const string Kind = RunKinds.Segment;

    /// <summary>Trains and evaluates; the run folder is created only after the data checked out.</summary>
    /// <exception cref="DatasetException">The data folder/CSV is unusable (names the file and problem).</exception>
    /// <exception cref="ArgumentException">Invalid settings, or too few volumes for the requested split.</exception>
    public static SegmentationRun Run(SegmentationTrainingOptions options, IEnumerable<ITrainingCallback>? callbacks = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var (dataset, split) = Prepare(options);
        var settings = SettingsOf(options);
        using var student = CreateNetwork(options);
        // Every labeled volume is checked against its image (grid, orientation, label values) before the run folder exists.
        foreach (var i in split.Test.Concat(split.Labeled).Concat(split.Validation))
            SegmentationEvaluation.CheckCase(dataset[i].Path, dataset[i].MaskPath!, (int)student.Classes, options.LabelMap);
        // Locked while it trains; removed again if it fails before its first checkpoint.
        return RunGuard.InNewRun(options.Output, options.Name ?? options.Method.ToString().ToLowerInvariant(), run =>
        {
            SegmentationNetworkFile.Write(Path.Combine(run.Path, NetworkFileName), student);
            MetricsFile.Write(Path.Combine(run.Path, OptionsFileName), options);
            MetricsFile.Write(Path.Combine(run.Path, "settings.json"), new
            {
                options, model = student.ArchitectureName, network = student is UNet3d u ? (object)u.Options : NetworkOf(options), settings,
                test = Names(dataset, split.Test), labeled = Names(dataset, split.Labeled),
                validation = Names(dataset, split.Validation), unlabeled = Names(dataset, split.Unlabeled),
            });
            return Execute(run, options, dataset, split, student, null, callbacks, cancellation);
        }, kind: Kind);
    }

    /// <summary>
    /// Continues an interrupted run in its own folder from checkpoints/last.pt: the same split (from the recorded seed
    /// and data, checked against settings.json), weights, EMA teacher, optimiser momentum, learning-rate schedule, RNG
    /// state and iteration, so the result equals an uninterrupted run's; then evaluates as <see cref="Run"/> does.
    /// </summary>
    /// <exception cref="RunFileException">Not a segmentation run, no last.pt, already finished, or its data changed.</exception>
    public static SegmentationRun Resume(string runPath, IEnumerable<ITrainingCallback>? callbacks = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(runPath);
        // Locked while it trains (a second resume of the same folder is refused); temporary files of an interrupted write removed.
        return RunGuard.InExistingRun(runPath, run => ResumeIn(run, callbacks, cancellation));
    }

    private static SegmentationRun ResumeIn(RunDirectory run, IEnumerable<ITrainingCallback>? callbacks, CancellationToken cancellation)
    {
        var optionsPath = Path.Combine(run.Path, OptionsFileName);
        if (!File.Exists(optionsPath)) throw new RunFileException(optionsPath, $"{run.Path}: not a resumable segmentation run ({OptionsFileName} is missing)");
        var options = MetricsFile.Read<SegmentationTrainingOptions>(optionsPath);
        var last = Path.Combine(run.CheckpointsDir, Trainer.LastCheckpointName);
        if (File.Exists(run.MetricsPath)) throw new RunFileException(run.MetricsPath, $"{run.Path}: the run has finished (metrics.json exists); nothing to resume");
        if (!File.Exists(last)) throw new RunFileException(last, $"{last}: not found; the run stopped before its first checkpoint, start it again");
        options.Validate();
        var (dataset, split) = Prepare(options);
        var recorded = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(run.Path, "settings.json")));
        foreach (var (key, indices) in new[] { ("test", split.Test), ("labeled", split.Labeled), ("validation", split.Validation) })
        {
            var before = recorded?[key]?.AsArray().Select(n => (string?)n).ToArray() ?? [];
            if (!before.SequenceEqual(Names(dataset, indices)))
                throw new RunFileException(options.Data, $"{options.Data}: the data changed since the run started (its {key} volumes differ from settings.json); cannot resume");
        }
        // Initial weights are replaced by last.pt's; the network is seeded as in Run all the same.
        using var student = CreateNetwork(options);
        return Execute(run, options, dataset, split, student, last, callbacks, cancellation);
    }

    private sealed record Split(int[] Test, int[] Labeled, int[] Validation, int[] Unlabeled);

    private static (VolumeDataset Dataset, Split Split) Prepare(SegmentationTrainingOptions options)
    {
        var dataset = File.Exists(options.Data) ? VolumeDataset.FromCsv(options.Data) : VolumeDataset.FromDecathlon(options.Data);
        var labeledItems = dataset.Items.Count(item => item.MaskPath is not null);
        var order = SeededPermutation.Create(dataset.Count, options.Seed).Where(i => dataset[i].MaskPath is not null).ToArray();
        if (order.Length < options.TestCount + options.Labeled + options.ValidationCount)
            throw new ArgumentException($"{options.Data}: {labeledItems} volumes with labels, but {options.TestCount} test + {options.Labeled} labeled + {options.ValidationCount} validation are requested");
        var test = order.Take(options.TestCount).ToArray();
        var labeled = order.Skip(options.TestCount).Take(options.Labeled).ToArray();
        var validation = order.Skip(options.TestCount + options.Labeled).Take(options.ValidationCount).ToArray();
        var unlabeled = SeededPermutation.Create(dataset.Count, options.Seed).Except(test).Except(labeled).Except(validation).ToArray();
        if (options.Method != SegmentationMethod.Supervised && (unlabeled.Length == 0 || options.UnlabeledBatchSize == 0))
            throw new ArgumentException($"{options.Data}: the {options.Method} method needs unlabeled volumes and an unlabeled batch size > 0 (found {unlabeled.Length} unlabeled)");
        return (dataset, new Split(test, labeled, validation, unlabeled));
    }

    private static VNetOptions NetworkOf(SegmentationTrainingOptions options) =>
        options.Network with { DistanceHead = options.Network.DistanceHead && options.Method == SegmentationMethod.UgMcl };

    /// <summary>The run's network (V-Net or 3-D U-Net), initialised from the run's seed.</summary>
    private static SegmentationNetwork CreateNetwork(SegmentationTrainingOptions options)
    {
        torch.ManualSeed(options.Seed);
        return options.Architecture.Equals(SegmentationModelRegistry.UNet3dName, StringComparison.OrdinalIgnoreCase)
            ? SegmentationModelRegistry.Create(options.Architecture, null, options.UNet3d)
            : new VNet(NetworkOf(options));
    }

    private static UgMclSettings SettingsOf(SegmentationTrainingOptions options)
    {
        var settings = UgMclSettings.ForMethod(options.Method, options.Losses with { MaxIterations = options.Iterations });
        settings.Validate();
        return settings;
    }

    private static SegmentationRun Execute(RunDirectory run, SegmentationTrainingOptions options, VolumeDataset dataset, Split split, SegmentationNetwork student,
        string? resumeFrom, IEnumerable<ITrainingCallback>? callbacks, CancellationToken cancellation)
    {
        var method = options.Method;
        var settings = SettingsOf(options);
        var semi = method != SegmentationMethod.Supervised;
        var (test, labeled, unlabeled) = (split.Test, split.Labeled, split.Unlabeled);

        // Cached per-volume SDF targets ride along as extra image channels through crop / rotation / flip.
        var cachedDistance = student.HasDistanceHead && settings.DistanceWeight > 0 && !options.DistancePerPatch;
        var trainSet = semi ? dataset : dataset.Subset(labeled);
        var supervisedIndices = semi ? labeled.Select(i => (long)i).ToHashSet() : Enumerable.Range(0, labeled.Length).Select(i => (long)i).ToHashSet();
        var steps = new List<ITransform> { new ToFloat() };
        if (options.LabelMap is not null) steps.Add(new MapLabels(options.LabelMap));
        steps.Add(new NormalizeIntensity());
        if (cachedDistance) steps.Add(new DistanceChannels(new SignedDistanceCache(), (int)student.Classes, supervisedIndices));
        steps.Add(new RandomCrop([.. options.PatchSize.Select(p => (long)p)], padIfNeeded: true));
        steps.Add(new RandomRotate90(options.RotateProbability, 3));
        steps.Add(new RandomFlip(options.FlipProbability, -2, -1));
        var transform = new Compose([.. steps]);
        // Semi-supervised batches: labeled patches first, then unlabeled ones (the task reads the stream sizes).
        var loader = semi
            ? new DataLoader(trainSet, transform, new DataLoaderOptions { Seed = options.Seed, Workers = options.Workers },
                new TwoStreamBatchSampler(labeled, unlabeled, options.LabeledBatchSize, options.UnlabeledBatchSize, options.Seed))
            : new DataLoader(trainSet, transform, new DataLoaderOptions
            {
                Seed = options.Seed, Workers = options.Workers, BatchSize = options.LabeledBatchSize, Shuffle = true, DropLast = true,
            });
        var validation = split.Validation.Length == 0 ? null
            : new DataLoader(dataset.Subset(split.Validation), new Compose(new ToFloat(), new NormalizeIntensity()),
                new DataLoaderOptions { Seed = options.Seed, Workers = 0, BatchSize = 1 });
        var perEpoch = loader.BatchesPerEpoch;
        var epochs = (int)Math.Ceiling(options.Iterations / (double)perEpoch);

        using var teacher = semi ? UgMclTask.CreateTeacher(student) : null;
        var task = new UgMclTask(student, teacher, settings, options.Window);
        using var optimizer = new SGD(student.Parameters(), options.LearningRate, momentum: options.Momentum, weightDecay: options.WeightDecay);
        var schedule = LearningRateSchedule.PerStep(new StepLR(optimizer, options.LearningRateStep, options.LearningRateGamma));
        using var recorder = new RunHistoryRecorder(run);
        var iterationHistory = new SegmentationHistoryRecorder(Path.Combine(run.Path, SegmentationHistoryRecorder.FileName), perEpoch);
        var trainer = new Trainer(task, optimizer, schedule, new TrainerOptions
        {
            Epochs = epochs,
            Seed = options.Seed,
            SpatialDims = 3,
            CheckpointDirectory = run.CheckpointsDir,
            CheckpointEveryEpochs = Math.Max(1, options.CheckpointEveryIterations / perEpoch),
            CheckpointEverySteps = perEpoch > options.CheckpointEveryIterations ? options.CheckpointEveryIterations : null,
            MonitorMetric = validation is null ? "train_loss" : "val_dice",
            MonitorGoal = validation is null ? MetricGoal.Minimize : MetricGoal.Maximize,
            KeepBest = options.KeepBest,
            ValidateEvery = Math.Max(1, (int)Math.Ceiling(options.ValidateEvery / (double)perEpoch)),
            DistributedGroup = MedLearn.Torch.Distributed.ProcessGroup.Default,
        }, [recorder, iterationHistory, .. callbacks ?? []]);
        var result = trainer.Fit(loader, validation, resumeFrom, cancellation);
        var iterations = (long)result.EpochsCompleted * perEpoch;
        // Data parallel: only rank 0 exports, evaluates and writes the run folder; the other ranks are done after training.
        if (!trainer.IsCheckpointWriter) return new SegmentationRun(run, result, iterations, []);
        StateDictFile.Save(student, Path.Combine(run.Path, ModelFileName));
        if (result.Status is TrainingStatus.Cancelled or TrainingStatus.Diverged)
            return new SegmentationRun(run, result, iterations, []);

        student.Eval();
        var cases = new List<SegmentationCaseResult>();
        var predictions = Path.Combine(run.Path, "predictions");
        foreach (var i in test)
        {
            cancellation.ThrowIfCancellationRequested();
            var result1 = SegmentationEvaluation.EvaluateCase(x => student.Forward(x), (int)student.Classes, dataset[i].Path, dataset[i].MaskPath!,
                options.Window, options.LargestComponent, predictions, writeUncertainty: true, labelMap: options.LabelMap);
            cases.Add(result1);
            SliceMontage.Write(dataset[i].Path, dataset[i].MaskPath!, Path.Combine(predictions, result1.Case + ".nii.gz"),
                Path.Combine(predictions, result1.Case + "_uncertainty.nii.gz"), (int)student.Classes,
                Path.Combine(run.Path, SegmentationReport.MontagesFolder, result1.Case + ".png"));
        }
        SegmentationEvaluation.WriteCsv(Path.Combine(run.Path, CasesFileName), cases);
        var dice = SegmentationEvaluation.MeanSd(cases.Select(c => c.Metrics.Dice));
        var hd95 = SegmentationEvaluation.MeanSd(cases.Select(c => c.Metrics.Hd95Mm));
        var validated = result.History.Where(e => e.Metrics.ContainsKey("val_dice")).ToArray();
        var best = validated.Length == 0 ? null : validated.MaxBy(e => e.Get("val_dice"));
        MetricsFile.Write(run.MetricsPath, new
        {
            method = method.ToString(),
            iterations,
            test_cases = cases.Count,
            dice_mean = dice.Mean, dice_sd = dice.Sd,
            hd95_mm_mean = hd95.Mean, hd95_mm_sd = hd95.Sd,
            validation_cases = split.Validation.Length,
            validations = validated.Length,
            best_val_dice = best?.Get("val_dice"),
            best_val_iteration = best is null ? (long?)null : (long)(best.Epoch + 1) * perEpoch,
            best_checkpoint = result.BestCheckpoint is { } b ? Path.GetRelativePath(run.Path, b) : null,
        });
        SegmentationReport.Write(run);
        return new SegmentationRun(run, result, iterations, cases);
    }

    private static string[] Names(ImageDataset dataset, int[] indices) => [.. indices.Select(i => SegmentationEvaluation.CaseName(dataset[i].Path))];
}
