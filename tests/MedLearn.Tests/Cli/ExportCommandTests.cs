using System.Globalization;
using MedLearn.Data.Synthetic;
using MedLearn.Export;
using MedLearn.Methods.Segmentation;
using MedLearn.Tests.Export;
using MedLearn.Torch;
using MedLearn.Export.Onnx;
using MedLearn.Models;
using Microsoft.ML.OnnxRuntime;

namespace MedLearn.Tests.Cli;

/// <summary>
/// Issue 17: <c>medlearn export --format onnx</c> of a trained run and <c>medlearn predict --onnx</c> (ONNX Runtime)
/// giving the run's own predictions; broken and foreign files get one clear line and exit code 2.
/// </summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-export-");
    private string Root => _root.FullName;
    private string Data => Path.Combine(Root, "data");

    public void Dispose() => _root.Delete(recursive: true);

    private string Train()
    {
        CliHarness.WriteTwoClassImages(Data, perClass: 6, size: 20, seed: 4);
        return CliHarness.TrainTinyClassifier(Data, Path.Combine(Root, "runs"));
    }

    private static List<string[]> Rows(string csv) => [.. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(','))];

    [Fact]
    public void ExportedModelPredictsLikeTheRun()
    {
        var run = Train();
        var onnx = Path.Combine(Root, "deploy", "model.onnx");
        // With the trailing separator a shell's completion adds: source_run must still name the run.
        var (code, output) = CliHarness.Run("export", "--run", run + Path.DirectorySeparatorChar, "--format", "onnx", "--out", onnx, "--opset", "15");
        Assert.True(code == 0, output);
        Assert.Contains("ONNX opset 15", output, StringComparison.Ordinal);
        Assert.Contains("input  input [batch, 3, 16, 16]", output, StringComparison.Ordinal);
        Assert.Contains("output logits [batch, 2]", output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(onnx)!, "*.tmp")); // atomic: no temporary left

        // The metadata a deployment needs, readable by ONNX Runtime alone.
        using (var session = new InferenceSession(onnx))
        {
            var meta = session.ModelMetadata.CustomMetadataMap;
            Assert.Equal("classifier", meta[OnnxMetadataKeys.Kind]);
            Assert.Equal("small-cnn", meta[OnnxMetadataKeys.Architecture]);
            Assert.Equal("[\"a\",\"b\"]", meta[OnnxMetadataKeys.Classes]);
            Assert.Equal("16", meta[OnnxMetadataKeys.InputSize]);
            Assert.Equal("18", meta[OnnxMetadataKeys.ResizeSize]);
            Assert.Equal("[0.5,0.5,0.5]", meta[OnnxMetadataKeys.Mean]);
            Assert.Contains("centre crop 16x16", meta[OnnxMetadataKeys.Preprocessing], StringComparison.Ordinal);
            Assert.Equal(Path.GetFileName(run), meta[OnnxMetadataKeys.SourceRun]);
            Assert.Equal(-1, session.InputMetadata["input"].Dimensions[0]); // dynamic batch axis
            Assert.Equal("batch", session.InputMetadata["input"].SymbolicDimensions[0]);
        }

        var (runCode, viaRun) = CliHarness.Run("predict", "--run", run, Data, "--format", "csv", "--precision", "fp32");
        Assert.True(runCode == 0, viaRun);
        var (onnxCode, viaOnnx) = CliHarness.Run("predict", "--onnx", onnx, Data, "--format", "csv");
        Assert.True(onnxCode == 0, viaOnnx);
        var (a, b) = (Rows(viaRun), Rows(viaOnnx));
        Assert.Equal(a[0], b[0]);
        Assert.Equal(13, a.Count);
        Assert.Equal(a.Count, b.Count);
        double P(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        for (var i = 1; i < a.Count; i++)
        {
            Assert.Equal(a[i][..3], b[i][..3]); // path, true label, predicted class
            Assert.True(Math.Abs(P(a[i][5]) - P(b[i][5])) <= 1e-4, $"{a[i][0]}: p_a {a[i][5]} (run) vs {b[i][5]} (ONNX)");
            Assert.True(Math.Abs(P(a[i][6]) - P(b[i][6])) <= 1e-4, $"{a[i][0]}: p_b {a[i][6]} (run) vs {b[i][6]} (ONNX)");
        }
        // Predictions depend on the image (not a constant model): both classes' probabilities vary.
        Assert.True(a.Skip(1).Select(r => r[5]).Distinct().Count() > 1);

        // The same run as TorchScript: the scripted module computes what the ONNX model computes, and carries the
        // preprocessing in its medlearn.json extra file.
        var script = Path.Combine(Root, "deploy", "model.ts");
        (code, output) = CliHarness.Run("export", "--run", run, "--format", "torchscript", "--out", script);
        Assert.True(code == 0, output);
        Assert.Contains("small-cnn, TorchScript", output, StringComparison.Ordinal);
        using (var scope = DisposeScope.Open())
        using (var scripted = MedLearn.Torch.Jit.ScriptModule.Load(script, [MedLearn.Export.TorchScript.TorchScriptExporter.MetadataFile], out var extra))
        {
            var meta = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(extra[MedLearn.Export.TorchScript.TorchScriptExporter.MetadataFile])!;
            Assert.Equal("[\"a\",\"b\"]", meta[OnnxMetadataKeys.Classes]);
            Assert.Contains("centre crop 16x16", meta[OnnxMetadataKeys.Preprocessing], StringComparison.Ordinal);
            torch.ManualSeed(3);
            var x = torch.Randn(3, 3, 16, 16);
            var logits = scripted.Forward(x).Single().Contiguous().ToArray<float>();
            var onnxLogits = OnnxExportTests.RunOnnx(File.ReadAllBytes(onnx), x)["logits"].Values;
            Assert.Equal(onnxLogits.Length, logits.Length);
            Assert.True(logits.Zip(onnxLogits, (p, q) => Math.Abs(p - q)).Max() <= 1e-4);
        }

        // Exporting over an existing file replaces it whole; a failed export leaves it untouched.
        var before = File.ReadAllBytes(onnx);
        (code, output) = CliHarness.Run("export", "--run", Data, "--out", onnx);
        Assert.Equal(2, code);
        Assert.Contains(Data, output, StringComparison.Ordinal);
        Assert.Contains("no exported model", output, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(onnx));

        // An output folder that cannot be created (its parent is a file) is named with the output.
        var blocked = Path.Combine(onnx, "sub", "m.onnx");
        (code, output) = CliHarness.Run("export", "--run", run, "--out", blocked);
        Assert.Equal(2, code);
        Assert.Contains($"{blocked}: cannot create the folder {Path.GetDirectoryName(blocked)}", string.Join(' ', output.Split('\n', StringSplitOptions.TrimEntries)), StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(onnx));
    }

    [Fact]
    public void BadOptionsAndForeignFilesGetOneClearLine()
    {
        var empty = Path.Combine(Root, "empty-run");
        Directory.CreateDirectory(empty);
        var (code, output) = CliHarness.Run("export", "--run", empty, "--out", Path.Combine(Root, "m.onnx"), "--opset", "12");
        Assert.Equal(2, code);
        Assert.Contains("--opset: ONNX opset 12 is not supported; use 13..17", output, StringComparison.Ordinal);

        (code, output) = CliHarness.Run("export", "--run", empty, "--format", "torchscript", "--out", Path.Combine(Root, "m.pt"));
        Assert.Equal(2, code);
        Assert.Contains("no exported model", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Root, "m.pt")));

        // Not an ONNX file at all.
        var garbage = Path.Combine(Root, "garbage.onnx");
        File.WriteAllText(garbage, "this is not a protobuf");
        var image = Path.Combine(Root, "x.png");
        CliHarness.WriteTwoClassImages(Data, perClass: 1, size: 8, seed: 1);
        File.Copy(Directory.GetFiles(Path.Combine(Data, "a")).First(), image);
        (code, output) = CliHarness.Run("predict", "--onnx", garbage, image);
        Assert.Equal(2, code);
        Assert.Contains(garbage + ": not a readable ONNX model", output, StringComparison.Ordinal);

        // A valid ONNX model that MedLearn did not export as a classifier (no manifest in its metadata).
        var foreign = Path.Combine(Root, "foreign.onnx");
        using (var model = new SmallCnn(2)) OnnxExporter.Export(model, foreign, new OnnxExportOptions { InputDims = ["batch", 3L, 16L, 16L], OutputDims = ["batch", 2L] });
        (code, output) = CliHarness.Run("predict", "--onnx", foreign, image);
        Assert.Equal(2, code);
        Assert.Contains("not a MedLearn classifier export", output, StringComparison.Ordinal);

        (code, output) = CliHarness.Run("predict", image);
        Assert.Equal(2, code);
        Assert.Contains("either --run RUN", output, StringComparison.Ordinal);
        (code, output) = CliHarness.Run("predict", "--run", empty, "--onnx", foreign, image);
        Assert.Equal(2, code);
        Assert.Contains("not both or neither", output, StringComparison.Ordinal);
    }

    [Fact]
    public void DualTaskSegmentationRunExportsBothOutputs()
    {
        var data = Path.Combine(Root, "phantoms");
        SyntheticDatasetWriter.WriteVolumes(data, 4, new VolumePhantomOptions { Width = 12, Height = 10, Depth = 8, Seed = 2 });
        var runs = Path.Combine(Root, "seg-runs");
        var (code, output) = CliHarness.Run(["train", "segment", "--data", data, "--labeled", "2", "--test", "1", "--method", "ugmcl", "--model", "dual-vnet",
            "--iterations", "2", "--filters", "2", "--depth", "2", "--labeled-batch", "1", "--unlabeled-batch", "1", "--out", runs, "--seed", "3",
            "--patch", "8,8,8", "--window-stride", "4,4,4"]);
        Assert.True(code == 0, output);
        var run = Directory.GetDirectories(runs).Single();
        var onnx = Path.Combine(Root, "seg.onnx");
        (code, output) = CliHarness.Run("export", "--run", run, "--out", onnx);
        Assert.True(code == 0, output);
        Assert.Contains("input  input [batch, 1, depth, height, width]", output, StringComparison.Ordinal);
        Assert.Contains("output distance [batch, 1, depth, height, width]", output, StringComparison.Ordinal);

        using var net = SegmentationTraining.LoadNetwork(run);
        using var scope = DisposeScope.Open();
        torch.ManualSeed(1);
        var x = torch.Randn(1, 1, 8, 12, 16); // another size than the training patch: the spatial axes are dynamic
        var both = net.ForwardBoth(x);
        var outputs = OnnxExportTests.RunOnnx(File.ReadAllBytes(onnx), x);
        foreach (var (name, expected) in new[] { ("logits", both.Logits), ("distance", both.Distance!) })
        {
            var e = expected.Contiguous().ToArray<float>();
            var diff = e.Zip(outputs[name].Values, (p, q) => Math.Abs((double)p - q)).Max();
            Assert.True(diff <= 1e-4, $"{name}: max |ONNX Runtime - MedLearn| = {diff}");
        }
        using var session = new InferenceSession(onnx);
        Assert.Equal("dual-vnet", session.ModelMetadata.CustomMetadataMap[OnnxMetadataKeys.Architecture]);
        Assert.Contains("\"distance_head\": true", session.ModelMetadata.CustomMetadataMap[OnnxMetadataKeys.Network], StringComparison.OrdinalIgnoreCase);
    }
}
