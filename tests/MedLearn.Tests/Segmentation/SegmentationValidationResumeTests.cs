using MedLearn.Data.Synthetic;
using MedLearn.Methods;
using MedLearn.Methods.Segmentation;
using MedLearn.Models.Segmentation;
using MedLearn.Runs;
using MedLearn.Torch;
using MedLearn.Torch.Serialization;
using MedLearn.Training;

namespace MedLearn.Tests.Segmentation;

/// <summary>
/// Validation during segmentation training (sliding-window Dice every N iterations, best-k by it, iterations.csv), resume
/// of an interrupted run (same parameters as an uninterrupted run), and the run report (curves, per-case table, montages).
/// </summary>
public class SegmentationValidationResumeTests
{
    private static SegmentationTrainingOptions Options(string data, string output) => new()
    {
        Data = data, Output = output, Method = SegmentationMethod.UgMcl, Labeled = 2, TestCount = 1, ValidationCount = 1,
        Iterations = 6, ValidateEvery = 2, KeepBest = 2,
        LabeledBatchSize = 1, UnlabeledBatchSize = 1, PatchSize = [16, 16, 16], Seed = 11,
        Network = new VNetOptions { BaseFilters = 2, Depth = 2 },
        Losses = new UgMclSettings { UncertaintyPasses = 2, ConsistencyRampUp = 0 },
        Window = new SlidingWindowOptions { PatchSize = [16, 16, 16], Stride = [8, 8, 8], BatchSize = 2 },
    };

    private static string Phantoms(string root)
    {
        var data = Path.Combine(root, "data");
        SyntheticDatasetWriter.WriteVolumes(data, 6, new VolumePhantomOptions { Width = 20, Height = 18, Depth = 16, Seed = 2 });
        return data;
    }

    /// <summary>Cancels the run once <paramref name="steps"/> optimiser steps are done.</summary>
    private sealed class StopAfter(int steps, CancellationTokenSource source) : ITrainingCallback
    {
        public void OnStep(StepReport step)
        {
            if (step.GlobalStep == steps) source.Cancel();
        }
    }

    [Fact]
    public void InterruptedRunResumedEqualsTheUninterruptedRun()
    {
        var root = Directory.CreateTempSubdirectory("ugmcl-resume").FullName;
        try
        {
            var data = Phantoms(root);
            // lr x0.1 after iteration 4: the schedule's decay falls after the interruption at 3.
            var options = Options(data, Path.Combine(root, "a")) with { LearningRateStep = 4 };
            var full = SegmentationTraining.Run(options);
            Assert.Equal(TrainingStatus.Completed, full.Training.Status);

            using var cts = new CancellationTokenSource();
            // Stop mid-epoch (2 iterations per pass over the 2 labeled volumes): after iteration 3.
            var stopped = SegmentationTraining.Run(options with { Output = Path.Combine(root, "b") }, [new StopAfter(3, cts)], cts.Token);
            Assert.Equal(TrainingStatus.Cancelled, stopped.Training.Status);
            Assert.Empty(stopped.TestCases);
            Assert.False(File.Exists(stopped.Run.MetricsPath));
            var resumed = SegmentationTraining.Resume(stopped.Run.Path);
            Assert.Equal(TrainingStatus.Completed, resumed.Training.Status);
            Assert.Equal(6, resumed.Iterations);
            Assert.Equal(stopped.Run.Path, resumed.Run.Path);

            using var scope = DisposeScope.Open();
            var a = StateDictFile.Load(Path.Combine(full.Run.Path, SegmentationTraining.ModelFileName));
            var b = StateDictFile.Load(Path.Combine(resumed.Run.Path, SegmentationTraining.ModelFileName));
            Assert.Equal(a.Keys, b.Keys);
            foreach (var (name, t) in a)
                Assert.True(t.Equal(b[name]), $"{name} differs between the uninterrupted and the resumed run");
            // The EMA teacher (in last.pt) and the recorded history agree too.
            var lastA = Checkpoint.Load(Path.Combine(full.Run.CheckpointsDir, Trainer.LastCheckpointName));
            var lastB = Checkpoint.Load(Path.Combine(resumed.Run.CheckpointsDir, Trainer.LastCheckpointName));
            var teacherA = (System.Collections.IDictionary)((System.Collections.IDictionary)lastA.Extra!["auxiliary"]!)[UgMclTask.TeacherName]!;
            var teacherB = (System.Collections.IDictionary)((System.Collections.IDictionary)lastB.Extra!["auxiliary"]!)[UgMclTask.TeacherName]!;
            foreach (System.Collections.DictionaryEntry e in teacherA)
                Assert.True(((Tensor)e.Value!).Equal((Tensor)teacherB[e.Key]!), $"teacher {e.Key} differs");
            Assert.Equal(Columns(full.Run.Path), Columns(resumed.Run.Path));
            var (_, history) = SegmentationHistoryRecorder.Read(Path.Combine(resumed.Run.Path, SegmentationHistoryRecorder.FileName));
            Assert.Equal([0.01, 0.01, 0.001], history["lr"].Select(v => Math.Round(v, 6)).ToArray()); // lr at the start of each pass
            Assert.Equal(full.TestCases.Single().Metrics.Dice, resumed.TestCases.Single().Metrics.Dice);
            // A finished run cannot be resumed again.
            Assert.Throws<RunFileException>(() => SegmentationTraining.Resume(resumed.Run.Path));
        }
        finally { Directory.Delete(root, true); }
    }

    /// <summary>iterations.csv without the timing column.</summary>
    private static string[] Columns(string run) =>
        [.. File.ReadAllLines(Path.Combine(run, SegmentationHistoryRecorder.FileName)).Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 3)))];

    [Fact]
    public void ValidatesEveryNIterationsKeepsTheBestByDiceAndWritesTheReport()
    {
        var root = Directory.CreateTempSubdirectory("ugmcl-val").FullName;
        try
        {
            var data = Phantoms(root);
            // 2 iterations per pass over the 2 labeled volumes; validation every 4 iterations = every second pass.
            var result = SegmentationTraining.Run(Options(data, Path.Combine(root, "runs")) with { Iterations = 12, ValidateEvery = 4 });
            var (iterations, columns) = SegmentationHistoryRecorder.Read(Path.Combine(result.Run.Path, SegmentationHistoryRecorder.FileName));
            Assert.Equal([2L, 4, 6, 8, 10, 12], iterations);
            Assert.Equal([4L, 8, 12], iterations.Where((_, i) => !double.IsNaN(columns["val_dice"][i])).ToArray());
            var dice = columns["val_dice"].Where(v => !double.IsNaN(v)).ToArray();
            Assert.All(dice, d => Assert.InRange(d, 0, 1));

            // The last validation equals an independent sliding-window evaluation of the final weights on the validation volume.
            var settings = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(result.Run.Path, "settings.json")))!;
            var valCase = (string)settings["validation"]![0]!;
            using (var net = SegmentationTraining.LoadNetwork(result.Run.Path))
            {
                var independent = SegmentationEvaluation.EvaluateCase(x => net.Forward(x), 2,
                    Path.Combine(data, "imagesTr", valCase + ".nii.gz"), Path.Combine(data, "labelsTr", valCase + ".nii.gz"), Options(data, root).Window, false);
                Assert.Equal(independent.Metrics.Dice, dice[^1], 9);
            }

            // best-k by validation Dice: the 2 best validations' checkpoints, the best one reported in metrics.json.
            var ranked = Enumerable.Range(0, iterations.Length).Where(i => !double.IsNaN(columns["val_dice"][i]))
                .OrderByDescending(i => columns["val_dice"][i]).ThenBy(i => i).ToArray();
            var kept = Directory.GetFiles(result.Run.CheckpointsDir, "best-*.pt").Select(Path.GetFileName).Order().ToArray();
            Assert.Equal(2, kept.Length);
            var keptValues = kept.Select(f => columns["val_dice"][int.Parse(f![10..13], System.Globalization.CultureInfo.InvariantCulture) - 1]).Order().ToArray();
            Assert.Equal(ranked.Take(2).Select(i => columns["val_dice"][i]).Order().ToArray(), keptValues);
            var metrics = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(result.Run.MetricsPath))!;
            Assert.Equal(dice.Max(), (double)metrics["best_val_dice"]!, 12);
            Assert.Equal(3, (int)metrics["validations"]!);

            // report.html: two SVG charts, one table row per test case, one montage per case; `report --run` rebuilds it identically.
            var html = File.ReadAllText(result.Run.ReportPath);
            Assert.Equal(2, CountOf(html, "<svg"));
            Assert.Equal(1, CountOf(html, "data:image/png;base64,"));
            var testCase = result.TestCases.Single();
            Assert.Contains($"<tr><td>{testCase.Case}</td><td>{testCase.Metrics.Dice:0.0000}</td>", html, StringComparison.Ordinal);
            Assert.Equal(RunKinds.Segment, RunKinds.Detect(RunDirectory.Open(result.Run.Path)));
            File.Delete(result.Run.ReportPath);
            Assert.Equal(result.Run.ReportPath, RunReports.Rebuild(result.Run.Path));
            Assert.Equal(html, File.ReadAllText(result.Run.ReportPath));
        }
        finally { Directory.Delete(root, true); }
    }

    private static int CountOf(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }

    [Fact]
    public void MontagePicksSlicesThroughTheObjectAndColoursThePanels()
    {
        using var scope = DisposeScope.Open();
        const int d = 16, h = 8, w = 10;
        var image = new float[d * h * w];
        var truth = new long[d * h * w];
        var prediction = new long[d * h * w];
        var uncertainty = new float[d * h * w];
        for (var i = 0; i < image.Length; i++) { image[i] = i % 7; uncertainty[i] = (float)(Math.Log(2) / 2); }
        for (var z = 4; z <= 11; z++) truth[(z * h + 3) * w + 4] = 1;
        prediction[(8 * h + 3) * w + 5] = 1;
        Assert.Equal([6, 8, 9], SliceMontage.Slices([.. Enumerable.Range(0, d).Select(z => z is >= 4 and <= 11)], new bool[d], d));
        Assert.Equal([4, 8, 11], SliceMontage.Slices(new bool[d], new bool[d], d)); // both empty: fractions of the whole depth 0..15
        var png = SliceMontage.Render(torch.FromSpan<float>(image, [d, h, w]), torch.FromSpan<long>(truth, [d, h, w]),
            torch.FromSpan<long>(prediction, [d, h, w]), torch.FromSpan<float>(uncertainty, [d, h, w]), 2);
        var scale = (int)Math.Ceiling(SliceMontage.MinimumPanel / 10.0); // 16
        Assert.Equal(new long[] { 3, 3 * h * scale + 2 * 4, 4 * w * scale + 3 * 4 }, png.Shape);
        var px = png.Contiguous().ToArray<byte>();
        var (height, width) = ((int)png.Size(1), (int)png.Size(2));
        byte[] At(int y, int x) => [px[y * width + x], px[height * width + y * width + x], px[2 * height * width + y * width + x]];
        // Row 1 (slice 8), voxel (y 3, x 4) is truth: green blend in panel 2; voxel (3, 5) is predicted: red blend in panel 3.
        var top = h * scale + 4 + 3 * scale;
        var panel = w * scale + 4;
        var gTruth = At(top, 4 * scale);
        Assert.InRange(At(top, panel + 4 * scale)[0], gTruth[0] / 2.0 - 1, gTruth[0] / 2.0 + 1);
        Assert.InRange(At(top, panel + 4 * scale)[1], (gTruth[1] + 200) / 2.0 - 1, (gTruth[1] + 200) / 2.0 + 1);
        var gPred = At(top, 5 * scale);
        Assert.InRange(At(top, 2 * panel + 5 * scale)[0], (gPred[0] + 230) / 2.0 - 1, (gPred[0] + 230) / 2.0 + 1);
        Assert.Equal(gPred, At(top, panel + 5 * scale)); // not truth there: plain gray
        // Uncertainty ln2/2 of ln 2 = 0.5 -> (255, 127.5, 0) in panel 4.
        var heat = At(top, 3 * panel + 2);
        Assert.Equal(255, heat[0]);
        Assert.InRange(heat[1], 127, 128);
        Assert.Equal(0, heat[2]);
    }
}
