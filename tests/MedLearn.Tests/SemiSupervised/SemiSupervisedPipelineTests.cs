using System.Collections;
using MedLearn.Data;
using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Data.Transforms;
using MedLearn.Data.Writers;
using MedLearn.Methods.SemiSupervised;
using MedLearn.Methods.Supervised;
using MedLearn.Runs;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Optim;
using MedLearn.Torch.Serialization;
using MedLearn.Torch.Tests;
using MedLearn.Training;

namespace MedLearn.Tests.SemiSupervised;

/// <summary>
/// Semi-supervised runs end to end on tiny PNG files (small-cnn, 16 px): the run folder and its exported student
/// (usable by predict/evaluate), the teacher in the checkpoint, exact resume, the two-view batches, the same labeled
/// subset for every method, and bad input (labeled fraction, too few labeled images, no unlabeled images, NaN
/// consistency).
/// </summary>
public sealed class SemiSupervisedPipelineTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-semi-");
    private string Data => Path.Combine(_root.FullName, "data");
    private string Runs => Path.Combine(_root.FullName, "runs");

    public SemiSupervisedPipelineTests()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(8);
        foreach (var (cls, offset) in new[] { ("a_dark", 0), ("b_mid", 80), ("c_bright", 160) })
        {
            Directory.CreateDirectory(Path.Combine(Data, cls));
            for (var i = 0; i < 12; i++)
                PngWriter.Write((torch.Rand([3, 20, 20]) * 90 + offset).To(DType.UInt8), Path.Combine(Data, cls, $"{cls}_{i:D2}.png"));
        }
    }

    public void Dispose() => _root.Delete(recursive: true);

    // Train split: 6 images per class; half labeled (3 per class, 9) and 9 unlabeled; 2 batches of 4 + 4 per epoch.
    private SemiSupervisedTrainingOptions Options(SemiSupervisedMethod method = SemiSupervisedMethod.SrcMt) => new()
    {
        Data = Data,
        Out = Runs,
        Method = method,
        LabeledFraction = 0.5,
        Model = "small-cnn",
        Epochs = 3,
        LabeledBatchSize = 4,
        UnlabeledBatchSize = 4,
        EvalBatchSize = 8,
        ImageSize = 16,
        LearningRate = 0.01,
        RampupEpochs = 2,
        Split = [0.5, 0.25, 0.25],
        Workers = 1,
        BootstrapSamples = 20,
        LatencyImages = 2,
        LatencyWarmup = 1,
        Precision = Precision.Fp32,
        Seed = 3,
        ReportSamples = 2,
    };

    [Fact]
    public void TrainWritesARunFolderWhoseStudentPredictAndEvaluateUse()
    {
        var baseline = LeakCheck.Baseline();
        var run = SemiSupervisedTraining.Run(Options());
        var dir = run.Classification.Directory;
        Assert.Equal(TrainingStatus.Completed, run.Classification.Training.Status);
        foreach (var f in new[] { "config.resolved.yaml", "split.csv", "labeled.csv", "semi.json", "history.csv", "metrics.json", "predictions.csv",
                     "report.html", "model.pt", "model.json", "checkpoints/last.pt" })
            Assert.True(File.Exists(Path.Combine(dir.Path, f)), $"missing {f}");
        // config.resolved.yaml: the options with the derived values (name, sizes, mean/std, model options) resolved.
        Assert.Equal(ConfigWriter.ToYaml(SemiSupervisedSetup.Resolve(Options(), dir.Label)), ConfigWriter.ToYaml(ConfigBinder.Load<SemiSupervisedTrainingOptions>(dir.ConfigPath)));

        var semi = MetricsFile.Read<SemiSupervisedSummary>(Path.Combine(dir.Path, "semi.json"));
        Assert.Equal("src-mt", semi.Method);
        Assert.Equal([3L, 3L, 3L], semi.LabeledPerClass);
        Assert.Equal([3L, 3L, 3L], semi.UnlabeledPerClass);
        Assert.Equal(2, semi.BatchesPerEpoch);
        Assert.Equal(9, SemiSupervisedSetup.ReadLabeledFile(Path.Combine(dir.Path, "labeled.csv")).Count);

        // Every epoch logged the three losses and λ (the ramp-up with L = 2: exp(-5), exp(-1.25), 1).
        var history = run.Classification.Training.History;
        Assert.All(history, h => Assert.All(new[] { "train_ce", "train_consistency", "train_relation", "train_consistency_weight" },
            k => Assert.True(double.IsFinite(h.Get(k)), $"epoch {h.Epoch}: {k}")));
        Assert.Equal([Math.Exp(-5), Math.Exp(-1.25), 1.0], history.Select(h => h.Get("train_consistency_weight")).ToArray(), new ToleranceComparer(1e-6));

        // The checkpoint holds the teacher, which is not the student (EMA of it).
        using (DisposeScope.Open())
        {
            var last = Checkpoint.Load(Path.Combine(dir.CheckpointsDir, "last.pt"));
            var teacher = (IDictionary)((IDictionary)last.Extra!["auxiliary"]!)["teacher"]!;
            Assert.Equal(last.Model.Keys.ToHashSet(), teacher.Keys.Cast<string>().ToHashSet());
            Assert.False(((Tensor)teacher["fc.weight"]!).Equal(last.Model["fc.weight"]), "the teacher is an average, not a copy of the student");
        }

        // The exported student is a plain small-cnn: predict on a test image reproduces its row of predictions.csv.
        var predictions = PredictionsFile.Read(dir.PredictionsPath);
        Assert.Equal(9, predictions.Rows.Count);
        using (var classifier = TrainedClassifier.Load(dir.Path, Precision.Fp32))
        {
            var row = predictions.Rows[0];
            var p = classifier.Predict([row.Path])[0];
            for (var c = 0; c < 3; c++) Assert.Equal(row.Probabilities[c], p.Probabilities[c], 5);
        }
        var evaluation = ClassificationTraining.Evaluate(dir.Path, Data, new ClassificationEvaluateOptions { BootstrapSamples = 0, Workers = 0, Precision = Precision.Fp32 });
        Assert.Equal(36, evaluation.Metrics.ConfusionMatrix.Sum(r => r.Sum()));

        var html = File.ReadAllText(dir.ReportPath);
        // The classes are not ordinal (no ordinal setting): no weighted kappa, no "ordered stages" wording.
        Assert.DoesNotContain("Ordinal staging", html);
        Assert.DoesNotContain("kappa (linear weights)", html);
        Assert.DoesNotContain("Cohen's kappa (quadratic)", html);
        Assert.Contains("Semi-supervised training", html);
        Assert.Contains("L_rel (relation consistency)", html);
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }

    private sealed class CancelAt(long step, CancellationTokenSource source) : ITrainingCallback
    {
        public void OnStep(StepReport report)
        {
            if (report.GlobalStep == step) source.Cancel();
        }
    }

    [Fact]
    public void AnInterruptedRunResumesToTheSameStudentAndTeacher()
    {
        var straight = SemiSupervisedTraining.Run(Options() with { Name = "straight" });
        using var cts = new CancellationTokenSource();
        var interrupted = SemiSupervisedTraining.Run(Options() with { Name = "interrupted" }, [new CancelAt(3, cts)], cancellation: cts.Token);
        Assert.Equal(TrainingStatus.Cancelled, interrupted.Classification.Training.Status);
        Assert.Null(interrupted.Classification.Evaluation);

        var resumed = SemiSupervisedTraining.Resume(interrupted.Classification.Directory.Path);
        Assert.Equal(TrainingStatus.Completed, resumed.Classification.Training.Status);
        Assert.Equal(straight.Classification.Training.History.Select(h => h.Metrics), resumed.Classification.Training.History.Select(h => h.Metrics));
        Assert.Equal(File.ReadAllText(straight.Classification.Directory.PredictionsPath), File.ReadAllText(resumed.Classification.Directory.PredictionsPath));
        using var scope = DisposeScope.Open();
        var a = Checkpoint.Load(Path.Combine(straight.Classification.Directory.CheckpointsDir, "last.pt"));
        var b = Checkpoint.Load(Path.Combine(resumed.Classification.Directory.CheckpointsDir, "last.pt"));
        foreach (var (k, v) in a.Model) Assert.True(v.Equal(b.Model[k]), $"student {k}");
        var ta = (IDictionary)((IDictionary)a.Extra!["auxiliary"]!)["teacher"]!;
        var tb = (IDictionary)((IDictionary)b.Extra!["auxiliary"]!)["teacher"]!;
        foreach (DictionaryEntry e in ta) Assert.True(((Tensor)e.Value!).Equal((Tensor)tb[e.Key]!), $"teacher {e.Key}");
    }

    [Fact]
    public void TwoViewBatchesOfTheRequestedComposition()
    {
        using var scope = DisposeScope.Open();
        var o = Options();
        var dataset = ClassificationSetup.LoadDataset(Data);
        var split = ClassificationSetup.Split(dataset, SemiSupervisedSetup.AsClassification(o));
        var train = SemiSupervisedSetup.Partition(split.Train, o);
        var manifest = ClassificationSetup.Manifest(SemiSupervisedSetup.AsClassification(o), dataset.Classes);
        var batches = SemiSupervisedSetup.TrainLoader(train, SemiSupervisedSetup.TrainTransform(manifest, o), o, SemiSupervisedMethod.SrcMt);
        using var batch = batches.Loader.Epoch(0).First();
        Assert.Equal(2, batch.Images.Count);
        Assert.Equal([8L, 3L, 16L, 16L], batch.Images[0].Shape);
        Assert.Equal([4, 4], batch.StreamCounts);
        var labels = batch.Labels.ToArray<long>();
        Assert.All(labels.Take(4), l => Assert.InRange(l, 0, 2));
        Assert.All(labels.Skip(4), l => Assert.Equal(-1, l));
        Assert.False(batch.Images[0].Equal(batch.Images[1]), "the two views are augmented independently");
    }

    [Fact]
    public void EveryMethodSeesTheSameLabeledSubset()
    {
        var dataset = ClassificationSetup.LoadDataset(Data);
        string[] Labeled(SemiSupervisedTrainingOptions o)
        {
            var split = ClassificationSetup.Split(dataset, SemiSupervisedSetup.AsClassification(o));
            var train = SemiSupervisedSetup.Partition(split.Train, o);
            return [.. train.Items.Where(i => i.Labeled).Select(i => i.Path)];
        }
        var srcmt = Labeled(Options());
        Assert.Equal(srcmt, Labeled(Options(SemiSupervisedMethod.Supervised)));
        Assert.Equal(srcmt, Labeled(Options(SemiSupervisedMethod.MeanTeacher) with { Epochs = 9, LearningRate = 0.5 }));
        Assert.NotEqual(srcmt, Labeled(Options() with { Seed = 4 }));
        // Nested: a seed's smaller labeled subset is inside its larger one.
        Assert.Subset(Labeled(Options() with { LabeledFraction = 0.9 }).ToHashSet(), Labeled(Options() with { LabeledFraction = 0.2 }).ToHashSet());
    }

    [Fact]
    public void BadLabeledFractionsAndTooFewLabeledImagesAreClearErrors()
    {
        var zero = Assert.Throws<ArgumentException>(() => SemiSupervisedTraining.Run(Options() with { LabeledFraction = 0 }));
        Assert.StartsWith("labeled-fraction: must be in (0, 1]", zero.Message);
        var above = Assert.Throws<ArgumentException>(() => SemiSupervisedTraining.Run(Options() with { LabeledFraction = 1.5 }));
        Assert.StartsWith("labeled-fraction: must be in (0, 1] (got 1.5)", above.Message);
        // 10% of 6 images per class rounds to 1 each: 3 labeled images < labeled batch 4.
        var few = Assert.Throws<DatasetException>(() => SemiSupervisedTraining.Run(Options() with { LabeledFraction = 0.1 }));
        Assert.Contains("leaves 3 labeled training images, fewer than labeled-batch-size 4", few.Message);
        Assert.False(Directory.Exists(Runs) && Directory.GetDirectories(Runs).Length > 0, "a failed start must not leave a run folder");
    }

    [Fact]
    public void NoUnlabeledImagesFallsBackToSupervisedWithAWarning()
    {
        var warnings = new List<string>();
        var run = SemiSupervisedTraining.Run(Options() with { LabeledFraction = 1.0, Epochs = 1 }, warnings: new SynchronousWarnings(warnings));
        Assert.Equal(TrainingStatus.Completed, run.Classification.Training.Status);
        var warning = Assert.Single(warnings);
        Assert.Contains("no unlabeled images", warning);
        Assert.Contains("src-mt falls back to supervised", warning);
        Assert.Equal("supervised", run.Semi.Method);
        Assert.Equal("src-mt", run.Semi.RequestedMethod);
        Assert.Equal(warning, Assert.Single(MetricsFile.Read<SemiSupervisedSummary>(Path.Combine(run.Classification.Directory.Path, "semi.json")).Warnings));
        Assert.False(run.Classification.Training.History[0].Metrics.ContainsKey("train_consistency"));
        Assert.Contains("Warning:", File.ReadAllText(run.Classification.Directory.ReportPath));
    }

    private sealed class SynchronousWarnings(List<string> sink) : IProgress<string>
    {
        public void Report(string value) => sink.Add(value);
    }

    /// <summary>The teacher's view is NaN: from the consistency start epoch on the loss is NaN.</summary>
    private sealed class NanTeacherView(ITransform inner) : ITransform
    {
        public Sample Apply(Sample sample, TransformContext context)
        {
            sample = inner.Apply(sample, context);
            if (context.View == 1) sample.Image = torch.FullLike(sample.Image, double.NaN);
            return sample;
        }
    }

    [Fact]
    public void NanConsistencyStopsTrainingAndKeepsTheLastGoodCheckpoint()
    {
        var baseline = LeakCheck.Baseline();
        var checkpoints = Path.Combine(_root.FullName, "nan-checkpoints");
        var o = Options() with { ConsistencyStartEpoch = 1 };
        var dataset = ClassificationSetup.LoadDataset(Data);
        var co = SemiSupervisedSetup.AsClassification(o);
        var train = SemiSupervisedSetup.Partition(ClassificationSetup.Split(dataset, co).Train, o);
        var manifest = ClassificationSetup.Manifest(co, dataset.Classes);
        var batches = SemiSupervisedSetup.TrainLoader(train, new NanTeacherView(SemiSupervisedSetup.TrainTransform(manifest, o)), o, SemiSupervisedMethod.SrcMt);
        TrainingResult result;
        torch.ManualSeed(1);
        using (var student = SemiSupervisedClassifier.Create("small-cnn", 3))
        using (var teacher = MeanTeacherTask.CreateTeacher(student, "small-cnn"))
        using (var optimizer = new Adam(student.Parameters(), 0.01))
        {
            var task = new MeanTeacherTask(student, teacher, 3, SemiSupervisedSetup.Settings(o, null));
            var trainer = new Trainer(task, optimizer, null, new TrainerOptions { Epochs = 3, Precision = Precision.Fp32, CheckpointDirectory = checkpoints, MonitorMetric = "train_loss", MonitorGoal = MetricGoal.Minimize });
            result = trainer.Fit(batches.Loader, null);
        }
        Assert.Equal(TrainingStatus.Diverged, result.Status);
        Assert.Contains("the training loss became NaN at epoch 2, batch 1", result.Message);
        Assert.Contains("the last good checkpoint", result.Message);
        Assert.Equal(1, result.EpochsCompleted);
        using (DisposeScope.Open())
        {
            var last = Checkpoint.Load(Path.Combine(checkpoints, "last.pt"));
            Assert.Equal(1, last.Epoch);
            Assert.All(last.Model.Values, t => Assert.False(t.IsNan().Any().To(DType.Float32).ToDouble() > 0, "the kept checkpoint is finite"));
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }
}
