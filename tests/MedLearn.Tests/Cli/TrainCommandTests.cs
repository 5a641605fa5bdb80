using MedLearn.Cli;
using MedLearn.Data.Writers;
using MedLearn.Methods.Supervised;
using MedLearn.Runs;
using MedLearn.Torch;

namespace MedLearn.Tests.Cli;

/// <summary>
/// The command line end to end: settings precedence (defaults &lt; --config &lt; flags &lt; --set), exit codes,
/// evaluate/predict/report on the trained run, and input errors reported as one line with exit code 2.
/// </summary>
public sealed class TrainCommandTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-cli-");
    private string Data => Path.Combine(_root.FullName, "data");

    public TrainCommandTests()
    {
        CliHarness.WriteTwoClassImages(Data, perClass: 8, size: 20, seed: 5);
    }

    public void Dispose() => _root.Delete(recursive: true);

    private static (int Code, string Out) Run(params string[] args) => CliHarness.Run(args);

    [Fact]
    public void SettingsPrecedenceAndTheRunCommands()
    {
        var config = Path.Combine(_root.FullName, "run.yaml");
        File.WriteAllText(config, "model: small-cnn\nepochs: 5\nlearning-rate: 0.02\noptimizer: adam\nimage-size: 24\nbootstrap-samples: 20\nlatency-images: 2\nsplit: [0.5, 0.25, 0.25]\n");
        var runs = Path.Combine(_root.FullName, "runs");
        var (code, output) = Run("train", "classify", "--data", Data, "--config", config, "--epochs", "2", "--out", runs,
            "--precision", "fp32", "--workers", "0", "--set", "image-size=16", "--set", "resize-size=18");
        Assert.True(code == 0, output);
        var run = Directory.GetDirectories(runs).Single();
        var resolved = ConfigBinder.Load<ClassificationTrainingOptions>(Path.Combine(run, "config.resolved.yaml"));
        Assert.Equal("small-cnn", resolved.Model);       // from the file
        Assert.Equal(0.02, resolved.LearningRate);        // from the file
        Assert.Equal(2, resolved.Epochs);                 // flag beats file
        Assert.Equal(16, resolved.ImageSize);             // --set beats file
        Assert.Equal("sgd", new ClassificationTrainingOptions().Optimizer);
        Assert.Equal("adam", resolved.Optimizer);
        Assert.Contains("epoch 2/2", output);
        Assert.Contains("report.html", output);

        var image = Directory.GetFiles(Path.Combine(Data, "b"))[0];
        var (predictCode, json) = Run("predict", "--run", run, image, "--json", "--precision", "fp32");
        Assert.Equal(0, predictCode);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var prediction = document.RootElement.GetProperty("predictions")[0];
        var probabilities = prediction.GetProperty("probabilities");
        Assert.Equal(1.0, probabilities.GetProperty("a").GetDouble() + probabilities.GetProperty("b").GetDouble(), 5);

        File.Delete(Path.Combine(run, "report.html"));
        var (reportCode, _) = Run("report", "--run", run);
        Assert.Equal(0, reportCode);
        Assert.True(File.Exists(Path.Combine(run, "report.html")));

        var (evalCode, evalOut) = Run("evaluate", "--run", run, "--data", Data, "--workers", "0");
        Assert.True(evalCode == 0, evalOut);
        var evaluation = Directory.GetDirectories(Path.Combine(run, "evaluations")).Single();
        Assert.Equal(16, PredictionsFile.Read(Path.Combine(evaluation, "predictions.csv")).Rows.Count);
    }

    [Fact]
    public void InputErrorsAreOneLineWithExitCode2()
    {
        var config = Path.Combine(_root.FullName, "bad.yaml");
        File.WriteAllText(config, "epochs: 2\nlearning-rat: 0.1\n");
        var (code, output) = Run("train", "classify", "--data", Data, "--config", config, "--out", Path.Combine(_root.FullName, "r"));
        Assert.Equal(2, code);
        Assert.Contains("learning-rat", output);
        Assert.Contains("did you mean 'learning-rate'", output);

        var (code2, output2) = Run("train", "classify", "--data", Path.Combine(_root.FullName, "nowhere"), "--out", Path.Combine(_root.FullName, "r"));
        Assert.Equal(2, code2);
        Assert.Contains("not found", output2);

        var (code3, output3) = Run("predict", "--run", _root.FullName, "x.png");
        Assert.Equal(2, code3);
        Assert.Contains("model.json", output3);
    }
}
