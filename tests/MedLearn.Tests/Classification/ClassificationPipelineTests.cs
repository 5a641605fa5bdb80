using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Data.Writers;
using MedLearn.Methods.Supervised;
using MedLearn.Runs;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Serialization;
using MedLearn.Torch.Tests;
using MedLearn.Training;

namespace MedLearn.Tests.Classification;

/// <summary>
/// The whole supervised journey on real files of mixed sizes and channel counts: run folder contents and their
/// consistency, exact resume of the whole pipeline, the exported model against Python, and bad input.
/// </summary>
public sealed class ClassificationPipelineTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-classify-");
    private string Data => Path.Combine(_root.FullName, "data");
    private string Runs => Path.Combine(_root.FullName, "runs");

    private static readonly string[] s_classes = ["bright", "dark", "mid"];

    public ClassificationPipelineTests()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(21);
        var sizes = new (long H, long W)[] { (24, 30), (40, 40), (20, 36), (32, 28) };
        foreach (var (cls, offset) in new[] { ("dark", 0), ("mid", 80), ("bright", 160) })
        {
            Directory.CreateDirectory(Path.Combine(Data, cls));
            for (var i = 0; i < 10; i++)
            {
                var (h, w) = sizes[i % sizes.Length];
                var channels = i % 3 == 0 ? 1 : 3; // gray and RGB mixed
                var img = (torch.Rand([channels, h, w]) * 90 + offset).To(DType.UInt8);
                PngWriter.Write(img, Path.Combine(Data, cls, $"{cls}_{i:D2}.png"));
            }
        }
    }

    public void Dispose() => _root.Delete(recursive: true);

    private ClassificationTrainingOptions Options(string model = "small-cnn") => new()
    {
        Data = Data,
        Model = model,
        Out = Runs,
        Epochs = 3,
        BatchSize = 6,
        EvalBatchSize = 8,
        Optimizer = "adam",
        LearningRate = 0.01,
        ImageSize = 16,
        ResizeSize = 18,
        CropScale = [0.5, 1.0],
        Split = [0.6, 0.2, 0.2],
        Workers = 1,
        BootstrapSamples = 50,
        LatencyImages = 3,
        LatencyWarmup = 1,
        Precision = Precision.Fp32,
        Seed = 3,
        ReportSamples = 4,
    };

    [Fact]
    public void TrainWritesAConsistentRunFolder()
    {
        var baseline = LeakCheck.Baseline();
        var run = ClassificationTraining.Run(Options());
        var dir = run.Directory;
        Assert.Equal(TrainingStatus.Completed, run.Training.Status);
        foreach (var f in new[] { dir.ConfigPath, dir.SplitPath, dir.HistoryPath, dir.MetricsPath, dir.PredictionsPath, dir.ReportPath,
                     Path.Combine(dir.Path, "model.pt"), Path.Combine(dir.Path, "model.json"), Path.Combine(dir.CheckpointsDir, "last.pt") })
            Assert.True(File.Exists(f), $"missing {f}");
        Assert.Single(Directory.GetFiles(dir.TensorBoardDir, "events.out.tfevents.*"));

        // The resolved config binds back to the options that ran, with the derived values resolved.
        var resolved = ConfigBinder.Load<ClassificationTrainingOptions>(dir.ConfigPath);
        Assert.Equal(ConfigWriter.ToYaml(ClassificationSetup.Resolve(Options())), ConfigWriter.ToYaml(resolved));

        // history.csv has one row per epoch with the trainer's numbers.
        var history = HistoryFile.Read(dir.HistoryPath);
        Assert.Equal([1, 2, 3], history.Rows.Select(r => r.Epoch).ToArray());
        Assert.Equal(run.Training.History.Select(h => h.Get("val_accuracy")), history.Rows.Select(r => r.Val["accuracy"]));

        // predictions.csv covers exactly the test split, and metrics.json's accuracy is recomputable from it.
        var splitRows = File.ReadAllLines(dir.SplitPath).Skip(1).Select(l => l.Split(',')).ToArray();
        var predictions = PredictionsFile.Read(dir.PredictionsPath);
        Assert.Equal(splitRows.Count(r => r[1] == "test"), predictions.Rows.Count);
        Assert.Equal(s_classes, predictions.Classes);
        var summary = MetricsFile.Read<RunSummary>(dir.MetricsPath);
        Assert.Equal("test", summary.Split);
        var correct = predictions.Rows.Count(r => r.TrueLabel == r.PredictedLabel);
        Assert.Equal((double)correct / predictions.Rows.Count, summary.Metrics.Accuracy, 12);
        Assert.Equal(run.Evaluation!.Accuracy, summary.Metrics.Accuracy);
        Assert.Equal(3, summary.Latency!.Count);

        // The exported model is the best epoch's weights, not the last epoch's.
        using (DisposeScope.Open())
        {
            var exported = StateDictFile.Load(Path.Combine(dir.Path, "model.pt"));
            var best = Checkpoint.Load(run.Training.BestCheckpoint!).Model;
            foreach (var (k, v) in best) Assert.True(exported[k].Equal(v), $"{k} differs from the best checkpoint");
        }

        // predict on one test image reproduces its row of predictions.csv.
        using (var classifier = TrainedClassifier.Load(dir.Path, Precision.Fp32))
        {
            var row = predictions.Rows[0];
            var p = classifier.Predict([row.Path])[0];
            for (var c = 0; c < s_classes.Length; c++) Assert.Equal(row.Probabilities[c], p.Probabilities[c], 5);
            Assert.Equal(row.PredictedLabel, p.ClassName);
        }

        // The report holds the charts and the sample thumbnails.
        var html = File.ReadAllText(dir.ReportPath);
        Assert.Contains("<svg", html);
        Assert.Contains("data:image/png;base64,", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal));
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    private sealed class CancelAt(long step, CancellationTokenSource source) : ITrainingCallback
    {
        public void OnStep(StepReport report)
        {
            if (report.GlobalStep == step) source.Cancel();
        }
    }

    [Fact]
    public void AnInterruptedRunResumesToTheSameResult()
    {
        var straight = ClassificationTraining.Run(Options() with { Name = "straight" });
        using var cts = new CancellationTokenSource();
        var interrupted = ClassificationTraining.Run(Options() with { Name = "interrupted" }, [new CancelAt(4, cts)], cancellation: cts.Token);
        Assert.Equal(TrainingStatus.Cancelled, interrupted.Training.Status);
        Assert.Null(interrupted.Evaluation);
        Assert.False(File.Exists(interrupted.Directory.MetricsPath));

        var resumed = ClassificationTraining.Resume(interrupted.Directory.Path);
        Assert.Equal(interrupted.Directory.Path, resumed.Directory.Path);
        Assert.Equal(TrainingStatus.Completed, resumed.Training.Status);
        Assert.Equal(straight.Training.History.Select(h => h.Metrics), resumed.Training.History.Select(h => h.Metrics));
        Assert.Equal(straight.Evaluation!.Accuracy, resumed.Evaluation!.Accuracy);
        Assert.Equal(straight.Evaluation.LogLoss, resumed.Evaluation.LogLoss);
        Assert.Equal(File.ReadAllText(straight.Directory.PredictionsPath), File.ReadAllText(resumed.Directory.PredictionsPath));
        Assert.Equal(3, HistoryFile.Read(resumed.Directory.HistoryPath).Rows.Count);
    }

    [Fact]
    public void ExportedResnetGivesTorchvisionsLogitsInPython()
    {
        var run = ClassificationTraining.Run(Options("resnet18") with { Epochs = 1, ImageSize = 32, ResizeSize = 36, BootstrapSamples = 0, LatencyImages = 1 });
        var image = File.ReadAllLines(run.Directory.PredictionsPath)[1].Split(',')[0];
        using var scope = DisposeScope.Open();
        using var classifier = TrainedClassifier.Load(run.Directory.Path, Precision.Fp32);
        var input = classifier.Preprocess(image);
        var inputPath = Path.Combine(_root.FullName, "input.pt");
        StateDictFile.Save(new OrderedDictionary<string, Tensor> { ["x"] = input.Contiguous() }, inputPath);
        var ours = classifier.Predict([image])[0].Probabilities;
        var script = $$"""
            import torch, torchvision, json
            m = torchvision.models.resnet18(num_classes=3)
            m.load_state_dict(torch.load(r"{{Path.Combine(run.Directory.Path, "model.pt")}}"), strict=True)
            m.eval()
            x = torch.load(r"{{inputPath}}")["x"]
            with torch.no_grad():
                p = torch.softmax(m(x), 1)[0].tolist()
            print(json.dumps(p))
            """;
        var scriptPath = Path.Combine(_root.FullName, "check_export.py");
        File.WriteAllText(scriptPath, script);
        var (code, stdout, stderr) = PythonOracle.RunScript(scriptPath);
        Assert.True(code == 0, stderr);
        var probabilities = System.Text.Json.JsonSerializer.Deserialize<double[]>(stdout.Trim())!;
        for (var c = 0; c < 3; c++) Assert.Equal(probabilities[c], ours[c], 4);
    }

    [Fact]
    public void OneClassAndEmptyClassAreClearErrors()
    {
        var one = Path.Combine(_root.FullName, "one");
        Directory.CreateDirectory(Path.Combine(one, "only"));
        File.Copy(Directory.GetFiles(Path.Combine(Data, "dark"))[0], Path.Combine(one, "only", "a.png"));
        var e1 = Assert.Throws<DatasetException>(() => ClassificationTraining.Run(Options() with { Data = one }));
        Assert.Contains("only one class ('only')", e1.Message);

        Directory.CreateDirectory(Path.Combine(Data, "empty"));
        var e2 = Assert.Throws<DatasetException>(() => ClassificationTraining.Run(Options()));
        Assert.Contains("'empty'", string.Join("\n", e2.Problems));
        Assert.False(Directory.Exists(Runs) && Directory.GetDirectories(Runs).Length > 0, "a failed start must not leave a run folder");
    }

    [Fact]
    public void UnreadableImageFailsNamingItOrIsSkipped()
    {
        var bad = Path.Combine(Data, "mid", "mid_99.png");
        File.WriteAllBytes(bad, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]);
        // Found by the check before training (not mid-epoch), and no run folder is left.
        var e = Assert.Throws<DatasetException>(() => ClassificationTraining.Run(Options() with { Epochs = 1, Split = [0.9, 0.1, 0.0] }));
        Assert.Contains("mid_99.png", string.Join("\n", e.Problems));
        Assert.False(Directory.Exists(Runs) && Directory.GetDirectories(Runs).Length > 0);
        var skipped = ClassificationTraining.Run(Options() with { Epochs = 1, OnError = ErrorPolicy.Skip, Split = [0.9, 0.1, 0.0], Name = "skip" });
        Assert.Equal(TrainingStatus.Completed, skipped.Training.Status);
        Assert.Equal(bad, Assert.Single(skipped.Skipped).Path);
    }

    [Fact]
    public void ConfigErrorsNameTheKey()
    {
        var path = Path.Combine(_root.FullName, "run.yaml");
        File.WriteAllText(path, "epochs: 3\nlearning-rat: 0.1\n");
        var e = Assert.Throws<ConfigException>(() => ConfigBinder.Load(path, new ClassificationTrainingOptions()));
        Assert.Contains("learning-rat", e.Message);
        Assert.Contains("learning-rate", e.Message);
        Assert.Contains(":2:", e.Message);
        File.WriteAllText(path, "epochs: ten\n");
        var e2 = Assert.Throws<ConfigException>(() => ConfigBinder.Load(path, new ClassificationTrainingOptions()));
        Assert.Contains("'epochs'", e2.Message);
        Assert.Contains("ten", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => ClassificationTraining.Run(Options() with { Monitor = "val_acc" }));
        Assert.Contains("monitor", e3.Message);
    }

    [Fact]
    public void EvaluatingDataWithAnotherClassIsAnError()
    {
        var run = ClassificationTraining.Run(Options() with { Epochs = 1, BootstrapSamples = 0 });
        var other = Path.Combine(_root.FullName, "other");
        Directory.CreateDirectory(Path.Combine(other, "dark"));
        Directory.CreateDirectory(Path.Combine(other, "tumour"));
        foreach (var cls in new[] { "dark", "tumour" })
            File.Copy(Directory.GetFiles(Path.Combine(Data, "dark"))[0], Path.Combine(other, cls, "x.png"));
        var e = Assert.Throws<DatasetException>(() => ClassificationTraining.Evaluate(run.Directory.Path, other));
        Assert.Contains("'tumour'", e.Message);
        Assert.Contains("bright, dark, mid", e.Message);

        // A subset of the run's classes is fine: labels are mapped by name.
        Directory.Delete(Path.Combine(other, "tumour"), true);
        Directory.CreateDirectory(Path.Combine(other, "mid"));
        File.Copy(Directory.GetFiles(Path.Combine(Data, "mid"))[0], Path.Combine(other, "mid", "y.png"));
        var result = ClassificationTraining.Evaluate(run.Directory.Path, other, new ClassificationEvaluateOptions { BootstrapSamples = 0 });
        var rows = PredictionsFile.Read(Path.Combine(result.Folder, "predictions.csv")).Rows;
        Assert.Equal(["dark", "mid"], rows.Select(r => r.TrueLabel ?? "").Order().ToArray());
        Assert.True(File.Exists(Path.Combine(result.Folder, "report.html")));
    }

    /// <summary>A stream that fails like a full disk after <paramref name="limit"/> bytes.</summary>
    private sealed class FullDiskStream(Stream inner, long limit) : Stream
    {
        private long _written;
        public override bool CanRead => false;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => inner.SetLength(value);

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (_written + count > limit) throw new IOException("No space left on device");
            _written += count;
            inner.Write(buffer, offset, count);
        }
    }

    private sealed class FillDiskAfterEpoch(string lastPath, string copy) : ITrainingCallback
    {
        public void OnEpochEnd(EpochRecord epoch)
        {
            if (epoch.Epoch != 0) return;
            File.Copy(lastPath, copy);
            MedLearn.Torch.Serialization.AtomicFile.WrapStreamForTests = s => new FullDiskStream(s, 1000);
        }
    }

    [Fact]
    public void FullDiskWhileCheckpointingKeepsThePreviousCheckpoint()
    {
        var copy = Path.Combine(_root.FullName, "last-after-epoch1.pt");
        RunDirectory? runDir = null;
        try
        {
            var runs = Directory.CreateDirectory(Path.Combine(_root.FullName, "fd")).FullName;
            var options = Options() with { Out = runs };
            // The callback needs the run folder's path: it is the only folder under runs/ once training starts.
            var callback = new LazyFill(runs, copy);
            var e = Assert.Throws<IOException>(() => ClassificationTraining.Run(options, [callback]));
            runDir = RunDirectory.Open(Directory.GetDirectories(runs).Single());
            var last = Path.Combine(runDir.CheckpointsDir, "last.pt");
            Assert.Contains(runDir.CheckpointsDir, e.Message);
            Assert.Contains("No space left on device", e.Message);
            Assert.Equal(File.ReadAllBytes(copy), File.ReadAllBytes(last));
            Assert.Empty(Directory.GetFiles(runDir.CheckpointsDir, "*.tmp", SearchOption.AllDirectories));
        }
        finally
        {
            MedLearn.Torch.Serialization.AtomicFile.WrapStreamForTests = null;
        }
        using var scope = DisposeScope.Open();
        Assert.Equal(1, Checkpoint.Load(copy).Epoch);
        // The run resumes from the surviving checkpoint once there is space again.
        var resumed = ClassificationTraining.Resume(runDir!.Path);
        Assert.Equal(TrainingStatus.Completed, resumed.Training.Status);
    }

    private sealed class LazyFill(string runs, string copy) : ITrainingCallback
    {
        public void OnEpochEnd(EpochRecord epoch)
        {
            var run = Directory.GetDirectories(runs).Single();
            new FillDiskAfterEpoch(Path.Combine(run, "checkpoints", "last.pt"), copy).OnEpochEnd(epoch);
        }
    }
}
