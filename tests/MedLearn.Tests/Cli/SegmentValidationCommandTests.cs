using MedLearn.Data.Synthetic;
using MedLearn.Methods.Segmentation;
using MedLearn.Runs;

namespace MedLearn.Tests.Cli;

/// <summary><c>train segment --val/--val-every/--keep-best</c>, <c>--resume</c> refusals (finished run, setting flags, locked folder) and <c>report --run</c> on a segmentation run.</summary>
public class SegmentValidationCommandTests
{
    [Fact]
    public void ValidationReportAndResumeFromTheCommandLine()
    {
        var root = Directory.CreateTempSubdirectory("ugmcl-cli-val").FullName;
        try
        {
            var data = Path.Combine(root, "phantoms");
            SyntheticDatasetWriter.WriteVolumes(data, 6, new VolumePhantomOptions { Width = 20, Height = 18, Depth = 16, Seed = 2 });
            var runs = Path.Combine(root, "runs");
            var (code, output) = CliHarness.Run(["train", "segment", "--data", data, "--labeled", "2", "--test", "1", "--val", "1", "--val-every", "2",
                "--keep-best", "1", "--iterations", "4", "--filters", "2", "--depth", "2", "--labeled-batch", "1", "--unlabeled-batch", "1",
                "--uncertainty-passes", "2", "--out", runs, "--seed", "1", "--patch", "16,16,16", "--window-stride", "8,8,8"]);
            Assert.True(code == 0, output);
            Assert.Contains("report.html", output);
            // One test case: its sd is undefined and shown as n/a (not NaN), as in the report.
            Assert.Contains("± n/a", output);
            Assert.DoesNotContain("NaN", output);
            var run = Assert.Single(Directory.GetDirectories(runs));
            var (iterations, columns) = SegmentationHistoryRecorder.Read(Path.Combine(run, SegmentationHistoryRecorder.FileName));
            Assert.Equal([2L, 4], iterations);
            Assert.All(columns["val_dice"], d => Assert.InRange(d, 0, 1)); // validated at 2 and 4
            Assert.Single(Directory.GetFiles(Path.Combine(run, "checkpoints"), "best-*.pt"));
            var html = File.ReadAllText(Path.Combine(run, "report.html"));
            Assert.Contains("Validation Dice", html);
            Assert.Contains("data:image/png;base64,", html);

            File.Delete(Path.Combine(run, "report.html"));
            (code, output) = CliHarness.Run(["report", "--run", run]);
            Assert.True(code == 0, output);
            Assert.Equal(html, File.ReadAllText(Path.Combine(run, "report.html")));

            (code, output) = CliHarness.Run(["train", "segment", "--resume", run]);
            Assert.Equal(2, code);
            Assert.Contains("the run has finished", output);
            // Settings come from the run folder: flags beside --resume are refused, as for every train command.
            (code, output) = CliHarness.Run(["train", "segment", "--resume", run, "--iterations", "10"]);
            Assert.Equal(2, code);
            Assert.Contains("--iterations cannot be combined with it", output);
            // A folder another process trains in is refused before anything is read or written.
            using (RunLock.Acquire(run))
            {
                var busy = Assert.Throws<RunFileException>(() => SegmentationTraining.Resume(run));
                Assert.Contains($"PID {Environment.ProcessId}", busy.Message);
            }
            (code, output) = CliHarness.Run(["train", "segment", "--out", runs]);
            Assert.Equal(2, code);
            Assert.Contains("--data is required", output);
        }
        finally { Directory.Delete(root, true); }
    }
}
