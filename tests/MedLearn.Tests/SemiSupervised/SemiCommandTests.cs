using MedLearn.Cli;
using MedLearn.Data.Writers;
using MedLearn.Methods.SemiSupervised;
using MedLearn.Runs;
using MedLearn.Tests.Cli;
using MedLearn.Torch;

namespace MedLearn.Tests.SemiSupervised;

/// <summary>
/// <c>medlearn train semi</c> and <c>medlearn experiment label-sweep</c> on the command line: settings precedence,
/// the run folder, the exported model used by predict, and input errors as one line with exit code 2.
/// </summary>
public sealed class SemiCommandTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-semi-cli-");
    private string Data => Path.Combine(_root.FullName, "data");

    public SemiCommandTests()
    {
        CliHarness.WriteTwoClassImages(Data, perClass: 10, size: 16, seed: 6);
    }

    public void Dispose() => _root.Delete(recursive: true);

    private static (int Code, string Out) Run(params string[] args) => CliHarness.Run(args);

    [Fact]
    public void TrainSemiRunsAndItsStudentPredicts()
    {
        var runs = Path.Combine(_root.FullName, "runs");
        var config = Path.Combine(_root.FullName, "semi.yaml");
        File.WriteAllText(config, "model: small-cnn\nimage-size: 16\nlearning-rate: 0.01\nepochs: 4\nlatency-images: 1\nbootstrap-samples: 0\nsplit: [0.6, 0.2, 0.2]\n");
        var (code, output) = Run("train", "semi", "--data", Data, "--config", config, "--labeled-fraction", "0.5", "--method", "mean-teacher",
            "--epochs", "2", "--out", runs, "--precision", "fp32", "--workers", "0", "--labeled-batch-size", "3", "--set", "unlabeled-batch-size=3");
        Assert.True(code == 0, output);
        var run = Directory.GetDirectories(runs).Single();
        var resolved = ConfigBinder.Load<SemiSupervisedTrainingOptions>(Path.Combine(run, "config.resolved.yaml"));
        Assert.Equal(SemiSupervisedMethod.MeanTeacher, resolved.Method); // flag
        Assert.Equal(2, resolved.Epochs);                                 // flag beats the file
        Assert.Equal(0.01, resolved.LearningRate);                        // file
        Assert.Equal(3, resolved.UnlabeledBatchSize);                     // --set
        Assert.Contains("epoch 2/2", output);
        Assert.Contains("report: ", output);
        Assert.True(File.Exists(Path.Combine(run, "report.html")));
        var (predictCode, predicted) = Run("predict", "--run", run, Directory.GetFiles(Path.Combine(Data, "b"))[0], "--precision", "fp32");
        Assert.True(predictCode == 0, predicted);
    }

    [Fact]
    public void BadInputIsOneLineWithExitCode2()
    {
        var (code, output) = Run("train", "semi", "--data", Data, "--labeled-fraction", "0", "--out", Path.Combine(_root.FullName, "runs"));
        Assert.Equal(2, code);
        Assert.Contains("labeled-fraction: must be in (0, 1]", output);
        (code, output) = Run("train", "semi", "--data", Data, "--method", "co-training", "--out", Path.Combine(_root.FullName, "runs"));
        Assert.Equal(2, code);
        Assert.Contains("method", output);
        (code, output) = Run("experiment", "label-sweep", "--data", Data, "--fractions", "0.1,x", "--out", Path.Combine(_root.FullName, "sweep"));
        Assert.Equal(2, code);
        Assert.Contains("'x' is not a number", output);
        (code, output) = Run("experiment", "label-sweep", "--data", Data, "--methods", "supervised,magic", "--out", Path.Combine(_root.FullName, "sweep"));
        Assert.Equal(2, code);
        Assert.Contains("unknown method 'magic'", output);
    }
}
