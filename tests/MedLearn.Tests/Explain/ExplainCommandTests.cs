using System.Text.Json;
using MedLearn.Cli;
using MedLearn.Data.Writers;
using MedLearn.Explain;
using MedLearn.Methods.Supervised;
using MedLearn.Tests.Cli;
using MedLearn.Torch;
using MedLearn.Torch.Amp;

namespace MedLearn.Tests.Explain;

/// <summary>
/// Explanations on a trained run: the report's "Explanations" section written at the end of training (files in
/// explanations/, embedded as data: URIs, kept by <c>medlearn report</c>), and <c>medlearn explain</c> for each
/// method with its files and its input errors (exit code 2, one line naming the problem).
/// </summary>
public sealed class ExplainCommandTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-explain-");
    private string Data => Path.Combine(_root.FullName, "data");

    public ExplainCommandTests()
    {
        CliHarness.WriteTwoClassImages(Data, perClass: 6, size: 20, seed: 40);
    }

    public void Dispose() => _root.Delete(recursive: true);

    private string Train() => ClassificationTraining.Run(new ClassificationTrainingOptions
    {
        Data = Data, Model = "small-cnn", Out = Path.Combine(_root.FullName, "runs"), Epochs = 1, BatchSize = 4, ImageSize = 16, ResizeSize = 18,
        Split = [0.5, 0.25, 0.25], Workers = 0, BootstrapSamples = 10, LatencyImages = 1, LatencyWarmup = 0, Precision = Precision.Fp32,
        ExplainSamples = 2, ExplainMethod = "gradcam++",
    }).Directory.Path;

    private static (int Code, string Out) Run(params string[] args)
    {
        var (code, output) = CliHarness.Run(args);
        return (code, System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "));   // undo the console's line wrapping
    }

    [Fact]
    public void ReportSectionAndTheExplainCommand()
    {
        var run = Train();

        // The report's explanations: files in explanations/, the section embedded in report.html, rebuilt by `report`.
        var folder = Path.Combine(run, ExplanationReport.FolderName);
        var saved = ExplanationSummary.Read(folder);
        Assert.Equal(2, saved.Count);
        Assert.All(saved, e =>
        {
            Assert.Equal("gradcam++", e.Method);
            Assert.Equal("features.relu3", e.Layer);
            Assert.NotNull(e.TrueClass);
            Assert.Equal(e.PredictedClass, e.TargetClass);
            Assert.True(File.Exists(Path.Combine(folder, e.Overlay!)));
            Assert.Equal(21, e.DeletionProbabilities.Count);
            Assert.InRange(e.DeletionAuc!.Value, 0, 1);
        });
        var html = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("<h2>Explanations</h2>", html);
        Assert.Contains("Grad-CAM++ at layer features.relu3", html);
        Assert.Contains("alt=\"gradcam++ heat map of", html);
        File.Delete(Path.Combine(run, "report.html"));
        Assert.Equal(0, Run("report", "--run", run).Code);
        Assert.Contains("<h2>Explanations</h2>", File.ReadAllText(Path.Combine(run, "report.html")));

        // medlearn explain, each method.
        string[] images = [Path.Combine(Data, "a", "a0.png"), Path.Combine(Data, "b", "b0.png")];
        var outOcclusion = Path.Combine(_root.FullName, "occlusion");
        var (code, output) = Run(["explain", "--run", run, .. images, "--method", "occlusion", "--window", "4", "--stride", "2", "--fill", "mean",
            "--batch", "16", "--steps", "8", "--precision", "fp32", "--out", outOcclusion]);
        Assert.True(code == 0, output);
        Assert.True(output.Contains("explanations.json"), output);
        var occlusion = ExplanationSummary.Read(outOcclusion);
        Assert.Equal(images, occlusion.Select(e => e.Path));
        Assert.All(occlusion, e =>
        {
            Assert.Equal(49, e.Positions);                    // 16 px, window 4, stride 2: 7 x 7 positions
            Assert.Equal(1 + 4, e.Forwards);                  // ceil(49 / 16) batches + the unoccluded image
            Assert.Equal(9, e.DeletionProbabilities.Count);
            Assert.True(File.Exists(Path.Combine(outOcclusion, e.Overlay!)));
        });
        Assert.Equal(["a0-occlusion.png", "b0-occlusion.png"], occlusion.Select(e => e.Overlay));
        var csv = File.ReadAllLines(Path.Combine(outOcclusion, ExplanationSummary.CsvFileName));
        Assert.Equal("path,method,layer,predicted,predicted_probability,target,target_probability,true_label,deletion_auc,map_min,map_max,overlay,seconds", csv[0]);
        Assert.Equal(3, csv.Length);

        var outCam = Path.Combine(_root.FullName, "cam");
        (code, output) = Run(["explain", "--run", run, images[0], "--method", "gradcam", "--layer", "features.relu2", "--class", "b", "--out", outCam]);
        Assert.True(code == 0, output);
        var cam = ExplanationSummary.Read(outCam).Single();
        Assert.Equal(("gradcam", "features.relu2", "b"), (cam.Method, cam.Layer, cam.TargetClass));
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outCam, ExplanationSummary.JsonFileName))))
            Assert.Equal("b", json.RootElement.GetProperty("images")[0].GetProperty("targetClass").GetString());

        // Input errors: one line, exit code 2.
        var bad = Path.Combine(_root.FullName, "bad");
        (code, output) = Run(["explain", "--run", run, images[0], "--method", "gradcam", "--layer", "layer4", "--out", bad]);
        Assert.Equal(2, code);
        Assert.True(output.Contains("unknown layer 'layer4'; the model's layers are: features.conv1, features.bn1"), output);
        (code, output) = Run(["explain", "--run", run, images[0], "--window", "40", "--out", bad]);
        Assert.Equal(2, code);
        Assert.True(output.Contains("larger than the image 16x16"), output);
        (code, output) = Run(["explain", "--run", run, images[0], "--stride", "0", "--out", bad]);
        Assert.Equal(2, code);
        Assert.True(output.Contains("stride must be positive"), output);
        (code, output) = Run(["explain", "--run", run, images[0], "--class", "zebra", "--method", "gradcam", "--out", bad]);
        Assert.Equal(2, code);
        Assert.True(output.Contains("unknown class 'zebra'; the run's classes are: a, b"), output);
        (code, output) = Run(["explain", "--run", run, Path.Combine(_root.FullName, "missing.png"), "--method", "gradcam", "--out", bad]);
        Assert.Equal(2, code);
        Assert.False(Directory.Exists(bad));
    }
}
