using MedLearn.Data.Synthetic;
using MedLearn.Methods.Gmic;
using MedLearn.Models.Gmic;
using MedLearn.Runs;
using MedLearn.Tests.Cli;
using MedLearn.Tests.Datasets;
using MedLearn.Torch;
using MedLearn.Torch.Serialization;
using MedLearn.Training;

namespace MedLearn.Tests.Gmic;

/// <summary>
/// GMIC training pieces (targets, grid size, localisation measures, settings checks) against analytic values, and
/// <c>medlearn train gmic</c> end to end on tiny synthetic screening phantoms, including an interrupted and resumed
/// run that must equal the uninterrupted one.
/// </summary>
public sealed class GmicTrainingTests
{
    [Fact]
    public void TargetsAreOneHotOverTheClassesAfterTheNegativeOne()
    {
        using var scope = DisposeScope.Open();
        var y = GmicTargets.FromLabels(torch.FromArray(new long[] { 0, 2, 1 }, 3), 2);
        Assert.Equal(new float[] { 0, 0, 0, 1, 1, 0 }, y.ToArray<float>());
        Assert.Equal(["benign", "malignant"], GmicTargets.OutputNames(["normal", "benign", "malignant"]));
        Assert.Throws<ArgumentException>(() => GmicTargets.FromLabels(torch.FromArray(new long[] { 3 }, 1), 2));
        Assert.Throws<ArgumentException>(() => GmicTargets.FromLabels(torch.FromArray(new long[] { -1 }, 1), 2));
    }

    [Theory]
    [InlineData(2944, 1920)]
    [InlineData(368, 240)]
    [InlineData(131, 97)]
    public void GridSizeIsTheGlobalModulesOutputSize(int height, int width)
    {
        using var model = new GmicModel(new GmicOptions());
        model.Eval();
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        var shape = model.GlobalFeatures(torch.Zeros(1, 1, height, width)).Shape;
        Assert.Equal((shape[2], shape[3]), ((long)GmicSetup.GridSize(height, width).Height, (long)GmicSetup.GridSize(height, width).Width));
    }

    [Fact]
    public void LocalisationMeasuresOnAHandBuiltCase()
    {
        // 2x2 grid over a 4x4 input: cell (0,1) covers rows 0-1, columns 2-3.
        float[] map = [0.1f, 0.9f, 0.2f, 0.3f];
        var mask = new byte[16];
        mask[0 * 4 + 3] = 1; // lesion pixel (0, 3): inside the peak cell
        var hit = LesionLocalisation.Measure(map, 2, 2, mask, 4, 4, [new RoiWindow(0, 0, 2, 0), new RoiWindow(0, 0, 0, 2)], 2, 2, 0.5);
        Assert.True(hit.PeakHit);
        Assert.Equal(2.0 * 1 / (4 + 1), hit.Dice, 12); // S = the 4 pixels of the peak cell, M = 1 pixel, overlap 1
        Assert.True(hit.PatchHit);                        // the second patch covers (0, 3)

        var miss = new byte[16];
        miss[3 * 4 + 0] = 1; // lesion pixel (3, 0): cell (1, 0), saliency 0.2
        var m = LesionLocalisation.Measure(map, 2, 2, miss, 4, 4, [new RoiWindow(0, 0, 0, 2), new RoiWindow(0, 0, 3, -1)], 2, 2, 0.5);
        Assert.False(m.PeakHit);
        Assert.Equal(0.0, m.Dice);
        Assert.True(m.PatchHit); // the second patch (rows 3-4, columns -1..0, clipped) covers (3, 0)
        Assert.False(LesionLocalisation.Measure(map, 2, 2, miss, 4, 4, [new RoiWindow(0, 0, 0, 0)], 2, 2, 0.5).PatchHit);
    }

    [Fact]
    public void SettingsThatCannotFitAreRejectedNamingTheKey()
    {
        var ok = new GmicTrainingOptions { Data = "x.csv", ImageHeight = 128, ImageWidth = 128, CropSize = 64, Patches = 4 };
        GmicSetup.Validate(ok); // 2x2 grid, 1x1 windows: 4 fit
        var many = Assert.Throws<ArgumentException>(() => GmicSetup.Validate(ok with { Patches = 5 }));
        Assert.StartsWith("patches/crop-size:", many.Message);
        var big = Assert.Throws<ArgumentException>(() => GmicSetup.Validate(ok with { CropSize = 256 }));
        Assert.Contains("smaller than the GMIC crop size", big.Message);
        Assert.StartsWith("top-t-percent:", Assert.Throws<ArgumentException>(() => GmicSetup.Validate(ok with { TopTPercent = 0 })).Message);
        Assert.StartsWith("monitor:", Assert.Throws<ArgumentException>(() => GmicSetup.Validate(ok with { Monitor = "val_accuracy" })).Message);
    }

    private static string WritePhantoms(TempDir dir, int count)
    {
        SyntheticDatasetWriter.WriteMammo(dir["data"], count, new MammoPhantomOptions { Height = 128, Width = 96, Seed = 3 });
        return dir["data/labels.csv"];
    }

    private static string[] TrainArgs(string data, string output, int epochs) =>
        ["train", "gmic", "--data", data, "--image-size", "128x96", "--crop-size", "32", "--patches", "2", "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
         "--batch-size", "4", "--lr", "1e-4", "--out", output, "--seed", "5", "--workers", "0", "--precision", "fp32", "--set", "bootstrap-samples=20", "--set", "eval-batch-size=4"];

    [Fact]
    public void TrainGmicWritesARunFolderWhoseWeightsLoadByName()
    {
        using var dir = new TempDir();
        var data = WritePhantoms(dir, 12);
        var (code, output) = CliHarness.Run(TrainArgs(data, dir["runs"], 1));
        Assert.True(code == 0, output);
        var run = Assert.Single(Directory.GetDirectories(dir["runs"]));
        foreach (var f in new[] { "config.resolved.yaml", "split.csv", "history.csv", "metrics.json", "predictions.csv", GmicManifest.FileName, GmicManifest.WeightsFileName })
            Assert.True(File.Exists(Path.Combine(run, f)), f);
        Assert.Contains("top-t-percent: 0.02", File.ReadAllText(Path.Combine(run, "config.resolved.yaml")));

        var summary = MetricsFile.Read<GmicSummary>(Path.Combine(run, "metrics.json"));
        var manifest = GmicManifest.Read(Path.Combine(run, GmicManifest.FileName));
        Assert.Equal(["1"], manifest.Outputs);
        var predictions = File.ReadAllLines(Path.Combine(run, "predictions.csv"));
        Assert.Equal(summary.Images + 1, predictions.Length);
        Assert.Equal("path,target_1,p_1,p_global_1,p_local_1,patch_0,attention_0,patch_1,attention_1", predictions[0]);
        Assert.Contains($"{summary.Split} split, {summary.Images} images, output '1'", output);

        using var model = new GmicModel(manifest.ModelOptions);
        var loaded = model.LoadStateDictFromFile(Path.Combine(run, GmicManifest.WeightsFileName), strict: true);
        Assert.Empty(loaded.MissingKeys);
        Assert.Empty(loaded.UnexpectedKeys);
    }

    [Fact]
    public void AnImageSmallerThanTheCropIsRejectedBeforeTheRunFolderIsCreated()
    {
        using var dir = new TempDir();
        var data = WritePhantoms(dir, 4);
        var args = TrainArgs(data, dir["runs"], 1);
        args[Array.IndexOf(args, "32")] = "200"; // crop 200 on a 128x96 input
        var (code, output) = CliHarness.Run(args);
        Assert.Equal(2, code);
        var oneLine = string.Join(' ', output.Split('\n', StringSplitOptions.TrimEntries)); // the console wraps long lines
        Assert.Contains("train gmic: patches/crop-size: the image (128x96) is smaller than the GMIC crop size (200x200)", oneLine);
        Assert.False(Directory.Exists(dir["runs"]) && Directory.EnumerateFileSystemEntries(dir["runs"]).Any());
    }

    private sealed class CancelAfterSteps(CancellationTokenSource cts, int steps) : ITrainingCallback
    {
        public void OnStep(StepReport step)
        {
            if (step.GlobalStep + 1 >= steps) cts.Cancel();
        }
    }

    private sealed class FailAtFirstStep : ITrainingCallback
    {
        public void OnStep(StepReport step) => throw new InvalidOperationException("failed at step " + step.GlobalStep);
    }

    [Fact]
    public void ARunThatFailsBeforeItsFirstCheckpointLeavesNoRunFolder()
    {
        using var dir = new TempDir();
        var options = new GmicTrainingOptions
        {
            Data = WritePhantoms(dir, 6), Out = dir["runs"], ImageHeight = 128, ImageWidth = 96, CropSize = 32, Patches = 2, Epochs = 1, BatchSize = 2,
            Seed = 9, Workers = 0, Precision = Torch.Amp.Precision.Fp32, BootstrapSamples = 0,
        };
        var e = Assert.Throws<InvalidOperationException>(() => GmicTraining.Run(options, [new FailAtFirstStep()]));
        Assert.StartsWith("failed at step ", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(dir["runs"]));
    }

    [Fact]
    public void AnInterruptedRunResumesToTheSameWeights()
    {
        using var dir = new TempDir();
        var data = WritePhantoms(dir, 12);
        var options = new GmicTrainingOptions
        {
            Data = data, ImageHeight = 128, ImageWidth = 96, CropSize = 32, Patches = 2, Epochs = 2, BatchSize = 2, LearningRate = 1e-4,
            Seed = 9, Workers = 0, Precision = Torch.Amp.Precision.Fp32, BootstrapSamples = 0,
        };
        var straight = GmicTraining.Run(options with { Out = dir["a"] });
        using var cts = new CancellationTokenSource();
        var stopped = GmicTraining.Run(options with { Out = dir["b"] }, [new CancelAfterSteps(cts, 4)], cancellation: cts.Token);
        Assert.Equal(TrainingStatus.Cancelled, stopped.Training.Status);
        // A folder another process trains in is refused before anything is read or written.
        using (RunLock.Acquire(stopped.Directory.Path))
        {
            var busy = Assert.Throws<RunFileException>(() => GmicTraining.Resume(stopped.Directory.Path));
            Assert.Contains($"in use by PID {Environment.ProcessId}", busy.Message);
        }
        // A temporary file of an interrupted checkpoint write is removed when the run is resumed.
        var temp = Path.Combine(stopped.Directory.CheckpointsDir, ".last.pt.0123456789abcdef.tmp");
        File.WriteAllBytes(temp, [1, 2, 3]);
        var resumed = GmicTraining.Resume(stopped.Directory.Path);
        Assert.False(File.Exists(temp));
        Assert.False(File.Exists(Path.Combine(stopped.Directory.Path, RunLock.FileName))); // released
        Assert.Equal(TrainingStatus.Completed, resumed.Training.Status);

        using var scope = DisposeScope.Open();
        var a = StateDictFile.Load(Path.Combine(straight.Directory.Path, GmicManifest.WeightsFileName));
        var b = StateDictFile.Load(Path.Combine(resumed.Directory.Path, GmicManifest.WeightsFileName));
        Assert.Equal(a.Keys, b.Keys);
        foreach (var key in a.Keys) Assert.True(a[key].Equal(b[key]), key);
        Assert.Equal(File.ReadAllText(straight.Directory.PredictionsPath), File.ReadAllText(resumed.Directory.PredictionsPath));
    }

    [Fact]
    public void TuneDrawsLogUniformTrialsAndContinuesWhenRerun()
    {
        using var dir = new TempDir();
        var data = WritePhantoms(dir, 12);
        var tuneArgs = new[] { "tune", "gmic", "--data", data, "--trials", "2", "--seed", "4", "--out", dir["tune"], "--epochs", "1",
            "--set", "image-height=128", "--set", "image-width=96", "--set", "crop-size=32", "--set", "patches=2", "--set", "batch-size=4",
            "--set", "workers=0", "--set", "precision=fp32", "--set", "bootstrap-samples=0" };
        var (code, output) = CliHarness.Run(tuneArgs);
        Assert.True(code == 0, output);
        var folders = Directory.GetDirectories(dir["tune"]).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(2, folders.Length);
        var rows = File.ReadAllLines(dir["tune/tune.csv"]);
        Assert.Equal(3, rows.Length);
        var options = new GmicTuneOptions { Seed = 4 };
        for (var i = 0; i < 2; i++)
        {
            var (lr, beta, t) = GmicTuning.Sample(options, i);
            Assert.InRange(Math.Log10(lr), -5.5, -3.5);
            Assert.InRange(Math.Log10(beta), -5.5, -3.5);
            Assert.InRange(t, 0.02, 0.1);
            var config = ConfigBinder.Load<GmicTrainingOptions>(Path.Combine(folders[i], "config.resolved.yaml"));
            Assert.Equal((lr, beta, t), (config.LearningRate, config.Beta, config.TopTPercent));
            Assert.StartsWith(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{i},{lr:R},"), rows[i + 1]);
        }
        Assert.NotEqual(GmicTuning.Sample(options, 0), GmicTuning.Sample(options, 1));

        // Rerun: both trials are finished, so nothing trains again and the table is the same.
        var (again, output2) = CliHarness.Run(tuneArgs);
        Assert.True(again == 0, output2);
        Assert.Equal(folders, Directory.GetDirectories(dir["tune"]).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(rows, File.ReadAllLines(dir["tune/tune.csv"]));
    }
}
