using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Cli;

/// <summary>
/// Every command that reads a checkpoint (<c>--weights</c>, <c>--resume</c>, <c>predict</c>, <c>evaluate</c>,
/// <c>explain</c>) ends a hostile file (a tensor of 2^80 elements on a 1-element storage) in one line naming the file,
/// exit code 2 (the data-error code), no stack trace.
/// </summary>
public sealed class HostileCheckpointCliTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-hostile-cli-");
    private string Data => Path.Combine(_root.FullName, "data");

    public HostileCheckpointCliTests() => CliHarness.WriteTwoClassImages(Data, perClass: 6, size: 16, seed: 3);

    public void Dispose() => _root.Delete(recursive: true);

    private static readonly string[] s_tiny =
    [
        "--model", "small-cnn", "--epochs", "1", "--image-size", "16", "--workers", "0", "--precision", "fp32",
        "--set", "latency-images=1", "--set", "bootstrap-samples=5", "--set", "explain-samples=0",
    ];

    [Fact]
    public void EveryCheckpointPathEndsInOneLineNamingTheFile()
    {
        var hostile = Path.Combine(_root.FullName, "hostile.pth");
        File.WriteAllBytes(hostile, HostileTorchFiles.OverflowingElementCount());

        var (code, output) = CliHarness.Run(["train", "classify", "--data", Data, "--out", Path.Combine(_root.FullName, "w"), "--weights", hostile, .. s_tiny]);
        AssertOneLineError(code, output, hostile);

        var runs = Path.Combine(_root.FullName, "runs");
        var (trainCode, trainOut) = CliHarness.Run(["train", "classify", "--data", Data, "--out", runs, .. s_tiny]);
        Assert.True(trainCode == 0, trainOut);
        var run = Directory.GetDirectories(runs).Single();
        var image = Directory.GetFiles(Path.Combine(Data, "a"))[0];

        var model = Path.Combine(run, "model.pt");
        File.Copy(hostile, model, overwrite: true);
        (code, output) = CliHarness.Run("predict", "--run", run, image, "--precision", "fp32");
        AssertOneLineError(code, output, model);
        (code, output) = CliHarness.Run("evaluate", "--run", run, "--data", Data, "--workers", "0");
        AssertOneLineError(code, output, model);
        (code, output) = CliHarness.Run("explain", "--run", run, image, "--out", Path.Combine(_root.FullName, "explained"));
        AssertOneLineError(code, output, model);

        var last = Path.Combine(run, "checkpoints", "last.pt");
        File.Copy(hostile, last, overwrite: true);
        (code, output) = CliHarness.Run("train", "classify", "--resume", run);
        AssertOneLineError(code, output, last);
    }

    private static void AssertOneLineError(int code, string output, string file)
    {
        Assert.True(code == 2, $"exit {code}:\n{output}");
        // The console hard-wraps at 80 columns when not a terminal (issue 11 item 14): join the wrapped pieces.
        var joined = output.Replace("\n", "", StringComparison.Ordinal);
        Assert.True(joined.Contains($"{file}: data.pkl: tensor [1099511627776, 1099511627776] (stride [0, 0], offset 0) on storage '0' has more elements than 64 bits can count",
            StringComparison.Ordinal), output);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
    }
}
