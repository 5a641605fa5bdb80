using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Data.Transforms;
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
/// shared <see cref="Trainer"/> with an iteration-based SGD schedule, then sliding-window evaluation of the test volumes.
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

    /// <summary>Trains and evaluates; the run folder is created only after the data checked out.</summary>
    /// <exception cref="DatasetException">The data folder/CSV is unusable (names the file and problem).</exception>
    /// <exception cref="ArgumentException">Invalid settings, or too few volumes for the requested split.</exception>
    public static SegmentationRun Run(SegmentationTrainingOptions options, IEnumerable<ITrainingCallback>? callbacks = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var dataset = File.Exists(options.Data) ? VolumeDataset.FromCsv(options.Data) : VolumeDataset.FromDecathlon(options.Data);
        var labeledItems = dataset.Items.Select((item, i) => (item, i)).Where(x => x.item.MaskPath is not null).Select(x => x.i).ToArray();
        var order = SeededPermutation.Create(dataset.Count, options.Seed).Where(i => dataset[i].MaskPath is not null).ToArray();
        if (order.Length < options.TestCount + options.Labeled)
            throw new ArgumentException($"{options.Data}: {labeledItems.Length} volumes with labels, but {options.TestCount} test + {options.Labeled} labeled are requested");
        var test = order.Take(options.TestCount).ToArray();
        var labeled = order.Skip(options.TestCount).Take(options.Labeled).ToArray();
        var unlabeled = SeededPermutation.Create(dataset.Count, options.Seed).Except(test).Except(labeled).ToArray();

        var method = options.Method;
        var network = options.Network with { DistanceHead = options.Network.DistanceHead && method == SegmentationMethod.UgMcl };
        var settings = UgMclSettings.ForMethod(method, options.Losses with { MaxIterations = options.Iterations });
        settings.Validate();
        var semi = method != SegmentationMethod.Supervised;
        if (semi && (unlabeled.Length == 0 || options.UnlabeledBatchSize == 0))
            throw new ArgumentException($"{options.Data}: the {method} method needs unlabeled volumes and an unlabeled batch size > 0 (found {unlabeled.Length} unlabeled)");

        torch.ManualSeed(options.Seed);
        using var student = options.Architecture.Equals(SegmentationModelRegistry.UNet3dName, StringComparison.OrdinalIgnoreCase)
            ? SegmentationModelRegistry.Create(options.Architecture, null, options.UNet3d)
            : new VNet(network);
        // Every labeled volume is checked against its image (grid, orientation, label values) before the run folder exists.
        foreach (var i in test.Concat(labeled))
            SegmentationEvaluation.CheckCase(dataset[i].Path, dataset[i].MaskPath!, (int)student.Classes, options.LabelMap);
        var run = RunDirectory.Create(options.Output, options.Name ?? method.ToString().ToLowerInvariant());
        SegmentationNetworkFile.Write(Path.Combine(run.Path, NetworkFileName), student);
        MetricsFile.Write(Path.Combine(run.Path, "settings.json"), new { options, model = student.ArchitectureName, network = student is UNet3d u ? (object)u.Options : network, settings, test = Names(dataset, test), labeled = Names(dataset, labeled), unlabeled = Names(dataset, unlabeled) });

        var transform = new Compose(
            new ToFloat(),
            options.LabelMap is null ? new Compose() : new MapLabels(options.LabelMap),
            new NormalizeIntensity(),
            new RandomCrop([.. options.PatchSize.Select(p => (long)p)], padIfNeeded: true),
            new RandomRotate90(options.RotateProbability, 3),
            new RandomFlip(options.FlipProbability, -2, -1));
        // Semi-supervised batches: labeled patches first, then unlabeled ones (the task reads the stream sizes).
        var loader = semi
            ? new DataLoader(dataset, transform, new DataLoaderOptions { Seed = options.Seed, Workers = options.Workers },
                new TwoStreamBatchSampler(labeled, unlabeled, options.LabeledBatchSize, options.UnlabeledBatchSize, options.Seed))
            : new DataLoader(dataset.Subset(labeled), transform, new DataLoaderOptions
            {
                Seed = options.Seed, Workers = options.Workers, BatchSize = options.LabeledBatchSize, Shuffle = true, DropLast = true,
            });
        var epochs = (int)Math.Ceiling(options.Iterations / (double)loader.BatchesPerEpoch);

        using var teacher = semi ? UgMclTask.CreateTeacher(student) : null;
        var task = new UgMclTask(student, teacher, settings);
        using var optimizer = new SGD(student.Parameters(), options.LearningRate, momentum: options.Momentum, weightDecay: options.WeightDecay);
        var schedule = LearningRateSchedule.PerStep(new StepLR(optimizer, options.LearningRateStep, options.LearningRateGamma));
        using var recorder = new RunHistoryRecorder(run);
        var trainer = new Trainer(task, optimizer, schedule, new TrainerOptions
        {
            Epochs = epochs,
            Seed = options.Seed,
            SpatialDims = 3,
            CheckpointDirectory = run.CheckpointsDir,
            CheckpointEveryEpochs = Math.Max(1, options.CheckpointEveryIterations / loader.BatchesPerEpoch),
            CheckpointEverySteps = loader.BatchesPerEpoch > options.CheckpointEveryIterations ? options.CheckpointEveryIterations : null,
            MonitorMetric = "train_loss",
            MonitorGoal = MetricGoal.Minimize,
        }, [recorder, .. callbacks ?? []]);
        var result = trainer.Fit(loader, null, null, cancellation);
        StateDictFile.Save(student, Path.Combine(run.Path, ModelFileName));
        if (result.Status is TrainingStatus.Cancelled or TrainingStatus.Diverged)
            return new SegmentationRun(run, result, (long)result.EpochsCompleted * loader.BatchesPerEpoch, []);

        student.Eval();
        var cases = new List<SegmentationCaseResult>();
        foreach (var i in test)
        {
            cancellation.ThrowIfCancellationRequested();
            cases.Add(SegmentationEvaluation.EvaluateCase(x => student.Forward(x), (int)student.Classes, dataset[i].Path, dataset[i].MaskPath!,
                options.Window, options.LargestComponent, Path.Combine(run.Path, "predictions"), labelMap: options.LabelMap));
        }
        SegmentationEvaluation.WriteCsv(Path.Combine(run.Path, CasesFileName), cases);
        var dice = SegmentationEvaluation.MeanSd(cases.Select(c => c.Metrics.Dice));
        var hd95 = SegmentationEvaluation.MeanSd(cases.Select(c => c.Metrics.Hd95Mm));
        MetricsFile.Write(run.MetricsPath, new
        {
            method = method.ToString(),
            iterations = (long)result.EpochsCompleted * loader.BatchesPerEpoch,
            test_cases = cases.Count,
            dice_mean = dice.Mean, dice_sd = dice.Sd,
            hd95_mm_mean = hd95.Mean, hd95_mm_sd = hd95.Sd,
        });
        return new SegmentationRun(run, result, (long)result.EpochsCompleted * loader.BatchesPerEpoch, cases);
    }

    private static string[] Names(ImageDataset dataset, int[] indices) => [.. indices.Select(i => SegmentationEvaluation.CaseName(dataset[i].Path))];
}
