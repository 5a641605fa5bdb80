using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Data.Transforms;
using MedLearn.Data.Writers;
using MedLearn.Methods.Supervised;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Optim;
using MedLearn.Torch.Optim.Schedulers;
using MedLearn.Torch.Tests;
using MedLearn.Training;

namespace MedLearn.Tests.Training;

/// <summary>
/// The trainer spine on real PNG files: exact resume after a cancellation, divergence handling, best-k
/// checkpoints, early stopping, schedules, clipping and tensor lifetime.
/// </summary>
public sealed class TrainerTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-trainer-");
    private string Data => Path.Combine(_root.FullName, "data");

    public TrainerTests()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(11);
        foreach (var (cls, offset) in new[] { ("a", 0), ("b", 90), ("c", 160) })
        {
            Directory.CreateDirectory(Path.Combine(Data, cls));
            for (var i = 0; i < 6; i++)
            {
                var img = (torch.Rand([1, 20, 20]) * 90 + offset).To(DType.UInt8);
                PngWriter.Write(img, Path.Combine(Data, cls, $"{cls}_{i}.png"));
            }
        }
    }

    public void Dispose() => _root.Delete(recursive: true);

    internal sealed class TinyNet : Module<Tensor, Tensor>
    {
        private readonly Sequential _body;

        public TinyNet(int classes)
        {
            _body = RegisterModule("body", new Sequential(
                new Conv2d(1, 4, 3, padding: 1, bias: false),
                new BatchNorm2d(4),
                new ReLU(),
                new AdaptiveAvgPool2d(2),
                new Flatten(),
                new Dropout(0.3),
                new Linear(16, classes)));
        }

        public override Tensor Forward(Tensor input) => _body.Forward(input);
    }

    private static ITransform Augment() => new Compose(new ScaleIntensity(), new RandomFlip(0.5), new Resize([16, 16]));

    private (DataLoader Train, DataLoader Val) Loaders(ulong seed)
    {
        var dataset = FolderDataset.Load(Data);
        var loader = new DataLoader(dataset, Augment(), new DataLoaderOptions { BatchSize = 4, Shuffle = true, Seed = seed });
        var val = new DataLoader(dataset, new Compose(new ScaleIntensity(), new Resize([16, 16])), new DataLoaderOptions { BatchSize = 5 });
        return (loader, val);
    }

    private sealed record Run(TinyNet Model, SGD Optimizer, LearningRateSchedule Schedule, Trainer Trainer) : IDisposable
    {
        public void Dispose()
        {
            Optimizer.Dispose();
            Model.Dispose();
        }
    }

    private static Run NewRun(string checkpoints, ulong initSeed, int epochs = 3, ITrainingCallback? callback = null, Precision precision = Precision.Fp32,
        double? clip = null, int? everySteps = null)
    {
        torch.ManualSeed(initSeed);
        var model = new TinyNet(3);
        var optimizer = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9);
        var schedule = LearningRateSchedule.PerEpoch(new StepLR(optimizer, 2, 0.5));
        var options = new TrainerOptions { Epochs = epochs, CheckpointDirectory = checkpoints, Precision = precision, KeepBest = 2, GradientClipNorm = clip, CheckpointEverySteps = everySteps, Seed = 5 };
        var task = new SupervisedClassificationTask(model, 3);
        return new Run(model, optimizer, schedule, new Trainer(task, optimizer, schedule, options, callback is null ? null : [callback]));
    }

    private static float[] Weights(Module model) => [.. model.StateDict().Values.SelectMany(t => t.To(DType.Float32).Flatten().ToArray<float>())];

    private sealed class CancelAt(long step, CancellationTokenSource source) : ITrainingCallback
    {
        public void OnStep(StepReport report)
        {
            if (report.GlobalStep == step) source.Cancel();
        }
    }

    private sealed class Recorder : ITrainingCallback
    {
        public List<StepReport> Steps { get; } = [];
        public List<CheckpointSaved> Checkpoints { get; } = [];
        public void OnStep(StepReport step) => Steps.Add(step);
        public void OnCheckpointSaved(CheckpointSaved checkpoint) => Checkpoints.Add(checkpoint);
    }

    [Fact]
    public void ResumeAfterCancellationMidEpochIsBitForBit()
    {
        var baseline = LeakCheck.Baseline();
        float[] straightWeights;
        TrainingResult straight;
        {
            using var scope = DisposeScope.Open();
            using var run = NewRun(Path.Combine(_root.FullName, "straight"), 1);
            var (train, val) = Loaders(7);
            straight = run.Trainer.Fit(train, val);
            straightWeights = Weights(run.Model);
        }
        Assert.Equal(TrainingStatus.Completed, straight.Status);
        Assert.Equal(3, straight.EpochsCompleted);

        var dir = Path.Combine(_root.FullName, "interrupted");
        using var cts = new CancellationTokenSource();
        {
            using var scope = DisposeScope.Open();
            using var run = NewRun(dir, 1, callback: new CancelAt(7, cts));
            var (train, val) = Loaders(7);
            var stopped = run.Trainer.Fit(train, val, cancellation: cts.Token);
            Assert.Equal(TrainingStatus.Cancelled, stopped.Status);
            Assert.Equal(1, stopped.EpochsCompleted); // 18 images / 4 = 5 batches per epoch: step 7 is epoch 2, batch 2
            Assert.Contains("resume from", stopped.Message);
        }
        float[] resumedWeights;
        TrainingResult resumed;
        {
            using var scope = DisposeScope.Open();
            // A different init seed: everything must come from the checkpoint.
            using var run = NewRun(dir, 99);
            var (train, val) = Loaders(7);
            resumed = run.Trainer.Fit(train, val, resumeFrom: Path.Combine(dir, Trainer.LastCheckpointName));
            resumedWeights = Weights(run.Model);
        }
        Assert.Equal(TrainingStatus.Completed, resumed.Status);
        Assert.Equal(straightWeights, resumedWeights);
        Assert.Equal(straight.History.Count, resumed.History.Count);
        for (var e = 0; e < straight.History.Count; e++)
        {
            Assert.Equal(straight.History[e].Metrics, resumed.History[e].Metrics);
            Assert.Equal(straight.History[e].LearningRate, resumed.History[e].LearningRate);
        }
        // StepLR(2, 0.5) stepped per epoch: 0.1, 0.1, 0.05.
        Assert.Equal([0.1, 0.1, 0.05], straight.History.Select(h => h.LearningRate).ToArray());
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void ResumeFromPeriodicCheckpointAfterAKillMatchesStraightRun()
    {
        float[] straightWeights;
        {
            using var scope = DisposeScope.Open();
            using var run = NewRun(Path.Combine(_root.FullName, "s"), 2, epochs: 2);
            var (train, val) = Loaders(3);
            run.Trainer.Fit(train, val);
            straightWeights = Weights(run.Model);
        }
        // "Kill": a run that checkpoints every 3 steps is abandoned (cancelled without being allowed to save:
        // the copy of last.pt taken at step 6 is what a killed process leaves behind).
        var dir = Path.Combine(_root.FullName, "k");
        var copy = Path.Combine(_root.FullName, "killed-last.pt");
        var recorder = new CopyAtStep(6, Path.Combine(dir, Trainer.LastCheckpointName), copy);
        {
            using var scope = DisposeScope.Open();
            using var run = NewRun(dir, 2, epochs: 2, callback: recorder, everySteps: 3);
            var (train, val) = Loaders(3);
            run.Trainer.Fit(train, val);
        }
        float[] resumedWeights;
        {
            using var scope = DisposeScope.Open();
            using var run = NewRun(Path.Combine(_root.FullName, "r"), 50, epochs: 2);
            var (train, val) = Loaders(3);
            run.Trainer.Fit(train, val, resumeFrom: copy);
            resumedWeights = Weights(run.Model);
        }
        Assert.True(File.Exists(copy), "the periodic checkpoint after step 6 was not written");
        Assert.Equal(straightWeights, resumedWeights);
    }

    /// <summary>Copies last.pt as it is right after the periodic save following optimiser step <paramref name="step"/>.</summary>
    private sealed class CopyAtStep(long step, string source, string target) : ITrainingCallback
    {
        private long _lastStep;

        public void OnStep(StepReport report) => _lastStep = report.GlobalStep;

        public void OnCheckpointSaved(CheckpointSaved checkpoint)
        {
            if (checkpoint.Kind == CheckpointKind.Last && _lastStep == step && checkpoint.Path == source && !File.Exists(target))
                File.Copy(source, target);
        }
    }

    [Fact]
    public void CheckpointEveryEpochsWritesLastPtEveryNEpochsAndAfterTheLastAndResumesExactly()
    {
        float[] straightWeights;
        {
            using var scope = DisposeScope.Open();
            using var run = NewRun(Path.Combine(_root.FullName, "s5"), 3, epochs: 5);
            var (train, val) = Loaders(4);
            run.Trainer.Fit(train, val);
            straightWeights = Weights(run.Model);
        }
        // Every 2 epochs: last.pt after epochs 2 and 4 and after the final epoch 5 (not after 1 and 3).
        var dir = Path.Combine(_root.FullName, "every2");
        var recorder = new Recorder();
        var copy = Path.Combine(_root.FullName, "after-epoch-2.pt");
        var copier = new CopyAtStep(10, Path.Combine(dir, Trainer.LastCheckpointName), copy); // 5 batches per epoch: step 10 ends epoch 2
        {
            using var scope = DisposeScope.Open();
            torch.ManualSeed(3);
            using var model = new TinyNet(3);
            using var optimizer = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9);
            var schedule = LearningRateSchedule.PerEpoch(new StepLR(optimizer, 2, 0.5));
            var options = new TrainerOptions { Epochs = 5, CheckpointDirectory = dir, Precision = Precision.Fp32, KeepBest = 2, Seed = 5, CheckpointEveryEpochs = 2 };
            var trainer = new Trainer(new SupervisedClassificationTask(model, 3), optimizer, schedule, options, [recorder, copier]);
            var (train, val) = Loaders(4);
            trainer.Fit(train, val);
            Assert.Equal(straightWeights, Weights(model));
        }
        Assert.Equal([2, 4, 5], recorder.Checkpoints.Where(c => c.Kind == CheckpointKind.Last).Select(c => c.Epoch).ToArray());
        Assert.True(File.Exists(copy));
        float[] resumedWeights;
        {
            using var scope = DisposeScope.Open();
            using var run = NewRun(Path.Combine(_root.FullName, "r5"), 77, epochs: 5);
            var (train, val) = Loaders(4);
            var resumed = run.Trainer.Fit(train, val, resumeFrom: copy);
            Assert.Equal(5, resumed.EpochsCompleted);
            resumedWeights = Weights(run.Model);
        }
        Assert.Equal(straightWeights, resumedWeights);
        Assert.Throws<ArgumentException>(() => new TrainerOptions { CheckpointEveryEpochs = 0 }.Validate());
    }

    [Fact]
    public void NanLossStopsAndKeepsTheLastGoodCheckpoint()
    {
        using var scope = DisposeScope.Open();
        var dir = Path.Combine(_root.FullName, "nan");
        torch.ManualSeed(4);
        using var model = new TinyNet(3);
        using var optimizer = new SGD(model.Parameters(), lr: 0.05);
        var task = new PoisonedTask(new SupervisedClassificationTask(model, 3), poisonAtStep: 7);
        var trainer = new Trainer(task, optimizer, null, new TrainerOptions { Epochs = 3, CheckpointDirectory = dir, Precision = Precision.Fp32 });
        var (train, val) = Loaders(1);
        var last = Path.Combine(dir, Trainer.LastCheckpointName);
        var result = trainer.Fit(train, val);
        Assert.Equal(TrainingStatus.Diverged, result.Status);
        Assert.Equal(1, result.EpochsCompleted);
        Assert.Contains("NaN", result.Message);
        Assert.Contains("epoch 2, batch 2", result.Message); // step 7 = 5 batches of epoch 1 + 2
        Assert.Contains(last, result.Message);
        // last.pt is the end of epoch 1: its trainer state says epoch 1, and resuming it works.
        using var check = DisposeScope.Open();
        var checkpoint = MedLearn.Torch.Serialization.Checkpoint.Load(last);
        Assert.Equal(1, checkpoint.Epoch);
        Assert.Equal(5, checkpoint.Step);
    }

    private sealed class PoisonedTask(SupervisedClassificationTask inner, long poisonAtStep) : ITrainingTask
    {
        public Module Model => inner.Model;
        public IReadOnlyDictionary<string, Module> AuxiliaryModules => inner.AuxiliaryModules;
        public void Prepare(TrainingContext context) => inner.Prepare(context);
        public void AfterOptimizerStep(StepInfo step) => inner.AfterOptimizerStep(step);
        public IValidationAccumulator BeginValidation() => inner.BeginValidation();

        public TrainStepOutput TrainStep(Batch batch, StepInfo step)
        {
            var output = inner.TrainStep(batch, step);
            return step.GlobalStep + 1 == poisonAtStep ? output with { Loss = output.Loss * double.NaN } : output;
        }
    }

    /// <summary>A task whose validation metric follows a script, to test best-k selection and early stopping.</summary>
    private sealed class ScriptedTask(Module<Tensor, Tensor> model, double[] script) : ITrainingTask
    {
        private int _validations;
        public Module Model => model;
        public IReadOnlyDictionary<string, Module> AuxiliaryModules { get; } = new Dictionary<string, Module>();
        public void Prepare(TrainingContext context) { }
        public void AfterOptimizerStep(StepInfo step) { }

        public TrainStepOutput TrainStep(Batch batch, StepInfo step) =>
            new(model.Forward(batch.Image).Square().Mean(), batch.Count);

        public IValidationAccumulator BeginValidation() => new Fixed(script[_validations++]);

        private sealed class Fixed(double value) : IValidationAccumulator
        {
            public void Add(Batch batch) { }
            public IReadOnlyDictionary<string, double> Complete() => new Dictionary<string, double> { ["accuracy"] = value };
        }
    }

    [Fact]
    public void KeepsTheBestKCheckpointsAndStopsEarly()
    {
        using var scope = DisposeScope.Open();
        var dir = Path.Combine(_root.FullName, "best");
        using var model = new TinyNet(3);
        using var optimizer = new SGD(model.Parameters(), lr: 0.01);
        var script = new[] { 0.50, 0.60, 0.55, 0.58, 0.59, 0.70 };
        var recorder = new Recorder();
        var trainer = new Trainer(new ScriptedTask(model, script), optimizer, null,
            new TrainerOptions { Epochs = 6, CheckpointDirectory = dir, KeepBest = 2, EarlyStoppingPatience = 3, EarlyStoppingMinDelta = 0.0, Precision = Precision.Fp32 },
            [recorder]);
        var (train, val) = Loaders(1);
        var result = trainer.Fit(train, val);
        // Epoch 2 (0.60) is the best; 0.55, 0.58, 0.59 do not beat it: stop after epoch 5, before 0.70.
        Assert.Equal(TrainingStatus.EarlyStopped, result.Status);
        Assert.Equal(5, result.EpochsCompleted);
        Assert.Equal(1, result.BestEpoch);
        Assert.Equal(0.60, result.BestMetric);
        Assert.Equal(Path.Combine(dir, "best-epoch002.pt"), result.BestCheckpoint);
        var kept = Directory.GetFiles(dir, "best-*.pt").Select(p => Path.GetFileName(p)!).Order().ToArray();
        Assert.Equal(["best-epoch002.pt", "best-epoch005.pt"], kept); // 0.60 and 0.59 are the two best
        Assert.Equal([true, true, false, false, false], result.History.Select(h => h.IsBest).ToArray());
        Assert.Equal(5, recorder.Checkpoints.Count(c => c.Kind == CheckpointKind.Last));
    }

    [Fact]
    public void GradientClippingBoundsTheUpdate()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(8);
        using var model = new TinyNet(3);
        using var optimizer = new SGD(model.Parameters(), lr: 1.0);
        var recorder = new Recorder();
        var before = Weights(model);
        var (train, _) = Loaders(2);
        // One step only: cancel before the second batch.
        using var cts = new CancellationTokenSource();
        var cancel = new CancelAt(1, cts);
        var oneStep = new Trainer(new SupervisedClassificationTask(model, 3), optimizer, null,
            new TrainerOptions { Epochs = 1, GradientClipNorm = 1e-3, Precision = Precision.Fp32 }, [recorder, cancel]);
        oneStep.Fit(train, null, cancellation: cts.Token);
        var after = Weights(model);
        // Plain SGD with lr 1: the parameter change is the clipped gradient (running BN buffers excluded).
        var names = model.StateDict().Select(kv => (kv.Key, kv.Value.NumEl)).ToArray();
        double sq = 0;
        var offset = 0;
        foreach (var (name, count) in names)
        {
            if (!name.Contains("running") && !name.Contains("num_batches"))
                for (var i = 0; i < count; i++) sq += Math.Pow(after[offset + i] - before[offset + i], 2);
            offset += (int)count;
        }
        Assert.Single(recorder.Steps);
        Assert.True(recorder.Steps[0].GradientNorm > 1e-3, "the raw gradient must exceed the clip for the test to mean anything");
        Assert.Equal(1e-3, Math.Sqrt(sq), 6);
    }

    [Fact]
    public void Bf16AutocastTrainingStaysCloseToFp32()
    {
        var results = new Dictionary<Precision, double>();
        foreach (var precision in new[] { Precision.Fp32, Precision.Bf16 })
        {
            using var scope = DisposeScope.Open();
            using var run = NewRun(Path.Combine(_root.FullName, precision.ToString()), 3, epochs: 2, precision: precision);
            var (train, val) = Loaders(3);
            var result = run.Trainer.Fit(train, val);
            results[precision] = result.History[^1].Get("train_loss");
        }
        Assert.Equal(results[Precision.Fp32], results[Precision.Bf16], 1);
    }
}
