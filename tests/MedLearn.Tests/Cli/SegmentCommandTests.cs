using MedLearn.Data.Synthetic;
using MedLearn.Methods.Segmentation;

namespace MedLearn.Tests.Cli;

/// <summary><c>medlearn train segment</c>, <c>segment predict</c> and <c>segment evaluate</c> in-process on tiny phantoms.</summary>
public class SegmentCommandTests
{
    private static readonly string[] s_window = ["--patch", "16,16,16", "--window-stride", "8,8,8"];

    [Fact]
    public void TrainPredictAndEvaluateFromTheCommandLine()
    {
        var root = Directory.CreateTempSubdirectory("ugmcl-cli").FullName;
        try
        {
            var data = Path.Combine(root, "phantoms");
            SyntheticDatasetWriter.WriteVolumes(data, 4, new VolumePhantomOptions { Width = 20, Height = 18, Depth = 16, Seed = 2 });
            var runs = Path.Combine(root, "runs");
            var (code, output) = CliHarness.Run(["train", "segment", "--data", data, "--labeled", "2", "--test", "1", "--method", "ugmcl",
                "--iterations", "2", "--filters", "2", "--depth", "2", "--labeled-batch", "1", "--unlabeled-batch", "1",
                "--uncertainty-passes", "2", "--out", runs, "--seed", "1", .. s_window]);
            Assert.True(code == 0, output);
            Assert.Contains("iterations 2", output);
            Assert.Contains("test Dice", output);
            var run = Assert.Single(Directory.GetDirectories(runs));
            Assert.True(File.Exists(Path.Combine(run, SegmentationTraining.CasesFileName)));

            var image = Path.Combine(data, "imagesTr", "vol_0000.nii.gz");
            var pred = Path.Combine(root, "pred");
            (code, output) = CliHarness.Run(["segment", "predict", "--run", run, "--input", image, "--out", pred, "--uncertainty", .. s_window]);
            Assert.True(code == 0, output);
            Assert.True(File.Exists(Path.Combine(pred, "vol_0000.nii.gz")));
            Assert.True(File.Exists(Path.Combine(pred, "vol_0000_uncertainty.nii.gz")));
            Assert.False(File.Exists(Path.Combine(pred, "vol_0000_probabilities.nii.gz")));

            var csv = Path.Combine(root, "eval.csv");
            (code, output) = CliHarness.Run(["segment", "evaluate", "--run", run, "--data", data, "--csv", csv, .. s_window]);
            Assert.True(code == 0, output);
            Assert.Contains("4 cases", output);
            var lines = File.ReadAllLines(csv);
            Assert.Equal(1 + 4 + 2, lines.Length);

            (code, output) = CliHarness.Run(["train", "segment", "--data", data, "--method", "fixmatch", "--out", runs]);
            Assert.Equal(2, code);
            Assert.Contains("unknown 'fixmatch'", output);
            (code, output) = CliHarness.Run(["train", "segment", "--data", data, "--patch", "16,16", "--out", runs]);
            Assert.Equal(2, code);
            Assert.Contains("--patch: expected three positive integers", output);
            (code, output) = CliHarness.Run(["train", "segment", "--data", Path.Combine(root, "missing"), "--out", runs]);
            Assert.Equal(2, code);
            Assert.Contains("folder not found", output);
            Assert.Single(Directory.GetDirectories(runs)); // failed starts leave no run folder
        }
        finally { Directory.Delete(root, true); }
    }
}
