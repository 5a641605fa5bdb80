using System.Diagnostics;
using MedLearn.Cli.Rendering;
using MedLearn.Methods.Supervised;
using MedLearn.Runs;
using MedLearn.Torch.Amp;
using MedLearn.Training;

namespace MedLearn.Tests.Cli;

/// <summary>
/// Stopping a run (Ctrl-C or SIGTERM) in every phase: during training a checkpoint is saved and the exit code is
/// 130; after training (evaluating, timing, writing the report) the exit code is 130 too, with a message saying the
/// training is saved and how to finish — and resuming then finishes the evaluation and report.
/// </summary>
public sealed class StopSignalTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-stop-");
    private string Data => Path.Combine(_root.FullName, "data");

    public StopSignalTests() => CliHarness.WriteTwoClassImages(Data, perClass: 6, size: 16, seed: 4);

    public void Dispose() => _root.Delete(recursive: true);

    private ClassificationTrainingOptions Options(string name) => new()
    {
        Data = Data,
        Out = Path.Combine(_root.FullName, name),
        Model = "small-cnn",
        Epochs = 1,
        ImageSize = 16,
        Workers = 0,
        Precision = Precision.Fp32,
        LatencyImages = 2,
        BootstrapSamples = 5,
        ExplainSamples = 1,
    };

    [Theory]
    [InlineData(RunPhase.Training, "resume with: medlearn train classify --resume")]
    [InlineData(RunPhase.Evaluating, "interrupted while evaluating the best model on the held-out split: training had finished")]
    [InlineData(RunPhase.MeasuringLatency, "interrupted while measuring per-image inference latency: training had finished")]
    [InlineData(RunPhase.WritingReport, "interrupted while writing metrics, predictions and the report: training had finished")]
    public void StopInEachPhaseExits130AndResumeFinishesTheRun(RunPhase phase, string expected)
    {
        var options = Options(phase.ToString());
        using var cts = new CancellationTokenSource();
        var (code, output) = CliHarness.Capture(() => ClassificationSession.Run("train classify", (callbacks, phases, _) =>
            ClassificationTraining.Run(options, callbacks, new SynchronousProgress<RunPhase>(p =>
            {
                phases.Report(p);
                if (p == phase) cts.Cancel(); // what the Ctrl-C / SIGTERM handler does
            }), cts.Token), "medlearn train classify --resume {0}"));

        Assert.True(code == 130, $"exit {code}:\n{output}");
        // The console hard-wraps at 80 columns when not a terminal (issue 11 item 14): join the wrapped pieces.
        var text = output.Replace("\n", "", StringComparison.Ordinal);
        Assert.Contains(expected, text, StringComparison.Ordinal);
        var run = Directory.GetDirectories(options.Out).Single();
        Assert.True(File.Exists(Path.Combine(run, RunDirectory.CheckpointsFolderName, Trainer.LastCheckpointName)), output);
        if (phase != RunPhase.Training)
            Assert.Contains($"finish with: medlearn train classify --resume {run}", text, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(run, RunDirectory.ReportFileName)), "the report of an interrupted run was written");
        if (phase <= RunPhase.MeasuringLatency) Assert.False(File.Exists(Path.Combine(run, RunDirectory.MetricsFileName)));

        var (resumed, resumeOut) = CliHarness.Run("train", "classify", "--resume", run);
        Assert.True(resumed == 0, resumeOut);
        Assert.True(File.Exists(Path.Combine(run, RunDirectory.MetricsFileName)));
        Assert.True(File.Exists(Path.Combine(run, RunDirectory.ReportFileName)));
        Assert.Single(HistoryFile.Read(Path.Combine(run, RunDirectory.HistoryFileName)).Rows);
    }

    [Fact]
    public void SigtermStopsARealTrainingProcessWith130AndAResumableCheckpoint()
    {
        var runs = Path.Combine(_root.FullName, "sigterm");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "medlearn.dll"), "train", "classify", "--data", Data, "--out", runs, "--model", "small-cnn",
                     "--epochs", "500", "--image-size", "16", "--workers", "0", "--precision", "fp32",
                 })
            start.ArgumentList.Add(a);
        var output = new System.Text.StringBuilder();
        using var child = Process.Start(start)!;
        child.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        child.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        try
        {
            // Wait for the end of the first epoch (its last.pt), then send what schedulers and `docker stop` send.
            var clock = Stopwatch.StartNew();
            string? last = null;
            while (last is null && clock.Elapsed < TimeSpan.FromMinutes(3) && !child.HasExited)
            {
                Thread.Sleep(200);
                last = Directory.Exists(runs)
                    ? Directory.GetDirectories(runs).Select(r => Path.Combine(r, RunDirectory.CheckpointsFolderName, Trainer.LastCheckpointName)).FirstOrDefault(File.Exists)
                    : null;
            }
            Assert.True(last is not null, $"no checkpoint after {clock.Elapsed}:\n{output}");
            using (var kill = Process.Start("kill", ["-TERM", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
            Assert.True(child.WaitForExit(TimeSpan.FromMinutes(2)), $"the child did not stop after SIGTERM:\n{output}");
            child.WaitForExit();
            Assert.True(child.ExitCode == 130, $"exit {child.ExitCode}:\n{output}");
            Assert.Contains("SIGTERM: stopping after the current batch", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("resume with: medlearn train classify --resume", output.ToString(), StringComparison.Ordinal);

            // Resumable: the trainer restores the checkpoint (model, optimiser, history) and carries on from it.
            var run = Path.GetDirectoryName(Path.GetDirectoryName(last))!;
            // Stopped as soon as training restarts (a token cancelled earlier stops the image check before training).
            using var stopAtStart = new CancellationTokenSource();
            var restart = new StopAtTrainingStart(stopAtStart);
            var resumed = ClassificationTraining.Resume(run, [restart], cancellation: stopAtStart.Token);
            Assert.Equal(TrainingStatus.Cancelled, resumed.Training.Status);
            Assert.True(restart.StartEpoch >= 1, $"resumed at epoch {restart.StartEpoch}, not after the checkpoint's epoch");
            Assert.True(resumed.Training.History.Count >= 1, "the checkpoint held no finished epoch");
        }
        finally
        {
            if (!child.HasExited) child.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Records where training (re)starts and cancels the run there.</summary>
    private sealed class StopAtTrainingStart(CancellationTokenSource stop) : ITrainingCallback
    {
        public int StartEpoch { get; private set; } = -1;

        public void OnTrainingStart(TrainingStart start)
        {
            StartEpoch = start.StartEpoch;
            stop.Cancel();
        }
    }
}
