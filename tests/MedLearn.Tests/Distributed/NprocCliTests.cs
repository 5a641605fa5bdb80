using System.Diagnostics;
using MedLearn.Runs;
using MedLearn.Tests.Cli;
using MedLearn.Training;

namespace MedLearn.Tests.Distributed;

/// <summary><c>medlearn train ... --nproc N</c> as a user runs it: worker processes, one run folder, clear launch errors.</summary>
public sealed class NprocCliTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-nproc-");
    private string Data => Path.Combine(_root.FullName, "data");

    public NprocCliTests() => CliHarness.WriteTwoClassImages(Data, perClass: 8, size: 16, seed: 2);

    public void Dispose() => _root.Delete(recursive: true);

    private static (int Code, string Output) Medlearn(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "medlearn.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        psi.Environment["MEDLEARN_DIST_TIMEOUT"] = "60";
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000)) { p.Kill(entireProcessTree: true); Assert.Fail("medlearn --nproc did not finish in 120 s"); }
        return (p.ExitCode, output + err.Result);
    }

    [Fact]
    public void TwoWorkersTrainAndOnlyRankZeroWritesTheRunFolder()
    {
        var runs = Path.Combine(_root.FullName, "runs");
        var (code, output) = Medlearn("train", "classify", "--data", Data, "--out", runs, "--model", "small-cnn", "--epochs", "2",
            "--image-size", "16", "--workers", "0", "--precision", "fp32", "--batch-size", "4", "--nproc", "2");
        Assert.True(code == 0, output);
        var run = Assert.Single(Directory.GetDirectories(runs));
        Assert.True(File.Exists(Path.Combine(run, RunDirectory.CheckpointsFolderName, Trainer.LastCheckpointName)), output);
        Assert.Equal(2, HistoryFile.Read(Path.Combine(run, RunDirectory.HistoryFileName)).Rows.Count);
        // Rank 1's progress is not shown (one "epoch 1/2" line, from rank 0).
        Assert.Single(output.Split('\n'), l => l.StartsWith("epoch 1/2", StringComparison.Ordinal));
    }

    [Fact]
    public void AGlobalBatchThatDoesNotSplitOverTheWorkersIsAUsageError()
    {
        var (code, output) = Medlearn("train", "classify", "--data", Data, "--out", Path.Combine(_root.FullName, "r3"), "--model", "small-cnn",
            "--epochs", "1", "--image-size", "16", "--workers", "0", "--batch-size", "4", "--nproc", "3");
        Assert.Equal(2, code);
        Assert.Contains("the global batch size 4 cannot be split over 3 processes", output);
    }

    [Theory]
    [InlineData(new[] { "train", "classify", "--nnodes", "2", "--nproc", "1" }, "needs --master-addr")]
    [InlineData(new[] { "train", "classify", "--master-port", "29500" }, "need --nproc N")]
    [InlineData(new[] { "train", "classify", "--nproc", "zero" }, "--nproc must be an integer in 1..1024, got 'zero'")]
    [InlineData(new[] { "evaluate", "--nproc", "2" }, "--nproc applies to training commands")]
    [InlineData(new[] { "train", "classify", "--grad-sync", "sideways", "--nproc", "2" }, "--grad-sync='sideways' is not a gradient sync mode (expected overlap or after-backward)")]
    public void BadLaunchFlagsAreUsageErrors(string[] args, string expected)
    {
        var (code, output) = CliHarness.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, output.Replace("\n", "", StringComparison.Ordinal));
    }

    [Fact]
    public void OnlyRankZeroEvaluatesAndItsResultsEqualAOneProcessEvaluationOfTheSameModel()
    {
        var runs = Path.Combine(_root.FullName, "runs-eval");
        var (code, output) = Medlearn("train", "classify", "--data", Data, "--out", runs, "--model", "small-cnn", "--epochs", "1",
            "--image-size", "16", "--workers", "0", "--precision", "fp32", "--batch-size", "4", "--nproc", "2");
        Assert.True(code == 0, output);
        // Rank 1 returned after training (its note reaches the launcher's stderr) instead of evaluating into a scratch folder.
        Assert.Contains("[rank 1] rank 1: training finished; rank 0 evaluates the model and writes the run folder", output);
        var run = Assert.Single(Directory.GetDirectories(runs));
        // run.json says how the run was launched (the same seed gives other numbers on another number of processes).
        var launch = Assert.Single(Assert.IsType<System.Text.Json.Nodes.JsonArray>(RunMarker.Get(RunDirectory.Open(run), DistributedLaunchRecord.MarkerKey)))!;
        Assert.Equal((2, "gloo", false, "overlap"), ((int)launch["world_size"]!, (string?)launch["backend"], (bool)launch["sync_batchnorm"]!, (string?)launch["grad_sync"]));
        var trained = PredictionsFile.Read(Path.Combine(run, RunDirectory.PredictionsFileName));
        Assert.NotEmpty(trained.Rows);

        // One process evaluates the exported model on the whole data folder: the held-out images get the same predictions.
        var (evalCode, evalOutput) = CliHarness.Run("evaluate", "--run", run, "--data", Data, "--workers", "0", "--precision", "fp32");
        Assert.True(evalCode == 0, evalOutput);
        var evaluation = Assert.Single(Directory.GetDirectories(Path.Combine(run, "evaluations")));
        var single = PredictionsFile.Read(Path.Combine(evaluation, RunDirectory.PredictionsFileName)).Rows.ToDictionary(r => Path.GetFileName(r.Path));
        foreach (var row in trained.Rows)
        {
            var other = single[Path.GetFileName(row.Path)];
            Assert.Equal(other.PredictedLabel, row.PredictedLabel);
            // Same weights, same images, eval mode: only the batch composition differs (the held-out split vs the whole
            // folder), which can move a float32 convolution by an ulp or so.
            Assert.All(row.Probabilities.Zip(other.Probabilities), p => Assert.True(Math.Abs(p.First - p.Second) < 1e-6, $"{row.Path}: {p.First} vs {p.Second}"));
        }
    }
}
