using System.Text.Json.Nodes;
using MedLearn.Methods.Supervised;
using MedLearn.Models;
using MedLearn.Runs;
using MedLearn.Torch;
using MedLearn.Torch.Serialization;

namespace MedLearn.Tests.Cli;

/// <summary>
/// <c>--weights</c> says and records what it loaded: keys loaded / missing / unexpected, head re-initialised, and
/// which wrapper was removed (a <c>{'state_dict': ...}</c> checkpoint, DataParallel's <c>module.</c> prefix);
/// <c>--weights-strict false</c> (config key <c>weights-strict</c>) loads a file that does not fit exactly.
/// </summary>
public sealed class WeightsCliTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-weights-cli-");
    private string Data => Path.Combine(_root.FullName, "data");

    public WeightsCliTests() => CliHarness.WriteTwoClassImages(Data, perClass: 6, size: 16, seed: 6);

    public void Dispose() => _root.Delete(recursive: true);

    /// <summary>A DataParallel-style training checkpoint {'epoch': 3, 'state_dict': {'module.' + key: tensor}} of a 2-class
    /// small CNN, plus one key the model does not have.</summary>
    private string WrappedCheckpoint(out int modelKeys)
    {
        using var scope = DisposeScope.Open();
        using var model = ModelRegistry.Create("small-cnn", 2, 3);
        var sd = new OrderedDictionary<string, Tensor>();
        foreach (var (k, t) in model.StateDict()) sd["module." + k] = t;
        sd["module.projector.weight"] = torch.Ones([4, 4]);
        modelKeys = model.StateDict().Count;
        var path = Path.Combine(_root.FullName, "wrapped.pth");
        TorchFile.Save(new Dictionary<string, object?> { ["epoch"] = 3L, ["state_dict"] = sd }, path);
        return path;
    }

    private static readonly string[] s_tiny =
    [
        "--model", "small-cnn", "--epochs", "1", "--image-size", "16", "--workers", "0", "--precision", "fp32",
        "--set", "latency-images=1", "--set", "bootstrap-samples=5", "--set", "explain-samples=0",
    ];

    [Fact]
    public void StrictRefusalAdvisesTheFlagAndTheFlagLoadsAndRecordsWhatHappened()
    {
        var weights = WrappedCheckpoint(out var modelKeys);
        var runs = Path.Combine(_root.FullName, "runs");

        var (code, output) = CliHarness.Run(["train", "classify", "--data", Data, "--out", Path.Combine(_root.FullName, "strict"), "--weights", weights, .. s_tiny]);
        Assert.True(code == 2, output);
        Assert.Contains("--weights-strict false", output.Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("1 unexpected key(s)", output, StringComparison.Ordinal);

        (code, output) = CliHarness.Run(["train", "classify", "--data", Data, "--out", runs, "--weights", weights, "--weights-strict", "false", .. s_tiny]);
        Assert.True(code == 0, output);
        // The console hard-wraps at 80 columns when not a terminal (issue 11 item 14): join the wrapped pieces.
        var line = output.Replace("\n", "", StringComparison.Ordinal);
        Assert.Contains($"weights: {weights}: loaded", line, StringComparison.Ordinal);
        Assert.Contains($"loaded {modelKeys} entries (unwrapped from the checkpoint's 'state_dict' entry), 0 missing, 1 unexpected", line, StringComparison.Ordinal);
        Assert.Contains("DataParallel 'module.' prefix stripped", line, StringComparison.Ordinal);
        Assert.Contains("projector.weight", output, StringComparison.Ordinal);

        var run = RunDirectory.Open(Directory.GetDirectories(runs).Single());
        var marker = JsonNode.Parse(File.ReadAllText(run.MarkerPath))!["weights"]!;
        Assert.Equal(weights, (string?)marker["file"]);
        Assert.False((bool)marker["strict"]!);
        Assert.Equal("state_dict", (string?)marker["unwrapped_from"]);
        Assert.True((bool)marker["module_prefix_stripped"]!);
        Assert.Equal(modelKeys, (int)marker["loaded"]!);
        Assert.Equal(0, (int)marker["missing"]!);
        Assert.Equal(1, (int)marker["unexpected"]!);
        Assert.False((bool)marker["head_reinitialised"]!);

        var record = RunWeights.Read(run)!;
        Assert.Equal(["projector.weight"], record.Unexpected);
        Assert.False(ConfigBinder.Load<ClassificationTrainingOptions>(run.ConfigPath).WeightsStrict);
        var report = File.ReadAllText(run.ReportPath);
        Assert.Contains("Pretrained weights", report, StringComparison.Ordinal);
        Assert.Contains("<code>projector.weight</code>", report, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigKeyAndSemiSupervisedFlagAreAccepted()
    {
        var weights = WrappedCheckpoint(out _);
        var config = Path.Combine(_root.FullName, "c.yaml");
        File.WriteAllText(config, "weights-strict: false\n");
        var (code, output) = CliHarness.Run(["train", "classify", "--data", Data, "--out", Path.Combine(_root.FullName, "cfg"), "--config", config, "--weights", weights, .. s_tiny]);
        Assert.True(code == 0, output);
        Assert.Contains("1 unexpected", output, StringComparison.Ordinal);

        (code, output) = CliHarness.Run("train", "semi", "--data", Data, "--out", Path.Combine(_root.FullName, "semi"), "--weights", weights, "--weights-strict", "false",
            "--model", "small-cnn", "--epochs", "1", "--image-size", "16", "--workers", "0", "--precision", "fp32", "--labeled-fraction", "0.5",
            "--labeled-batch-size", "2", "--unlabeled-batch-size", "2", "--set", "latency-images=1", "--set", "bootstrap-samples=5", "--set", "report-samples=0");
        Assert.True(code == 0, output);
        Assert.Contains("(unwrapped from the checkpoint's 'state_dict' entry)", output.Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var run = RunDirectory.Open(Directory.GetDirectories(Path.Combine(_root.FullName, "semi")).Single());
        Assert.Equal(1, (int)JsonNode.Parse(File.ReadAllText(run.MarkerPath))!["weights"]!["unexpected"]!);
    }
}
