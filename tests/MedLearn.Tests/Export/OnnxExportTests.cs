using MedLearn.Export.Onnx;
using MedLearn.Models;
using MedLearn.Models.Segmentation;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Tests;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = MedLearn.Torch.Tensor;

namespace MedLearn.Tests.Export;

/// <summary>
/// ONNX export checked by ONNX Runtime: every architecture's exported graph gives MedLearn's evaluation-mode outputs
/// (max |d| ≤ 1e-4, fp32) on tiny inputs, with non-trivial batch-norm statistics; python3-onnx's checker accepts the files.
/// </summary>
public sealed class OnnxExportTests
{
    private const double Tolerance = 1e-4;

    /// <summary>Random running statistics and affine parameters, so a wrong batch-norm mapping cannot pass as identity.</summary>
    internal static void RandomiseNorms(Module model, ulong seed)
    {
        torch.ManualSeed(seed);
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        foreach (var (_, m) in model.NamedModules())
        {
            if (m is not NormBase n) continue;
            n.RunningMean?.CopyFrom(torch.Randn(n.NumFeatures) * 0.1);
            n.RunningVar?.CopyFrom(torch.Rand(n.NumFeatures) + 0.5);
            n.Weight?.CopyFrom(torch.Rand(n.NumFeatures) + 0.5);
            n.Bias?.CopyFrom(torch.Randn(n.NumFeatures) * 0.1);
        }
    }

    /// <summary>Runs <paramref name="onnx"/> in ONNX Runtime on <paramref name="input"/>; returns every output by name.</summary>
    internal static Dictionary<string, (float[] Values, long[] Shape)> RunOnnx(byte[] onnx, Tensor input, string inputName = "input")
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(onnx, options);
        var data = input.Contiguous().ToArray<float>();
        var tensor = new DenseTensor<float>(data, [.. input.Shape.Select(d => (int)d)]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, tensor)]);
        return results.ToDictionary(r => r.Name, r =>
        {
            var t = r.AsTensor<float>();
            return (t.ToArray(), t.Dimensions.ToArray().Select(d => (long)d).ToArray());
        });
    }

    private static double MaxAbsDiff(Tensor expected, float[] actual)
    {
        var e = expected.Contiguous().ToArray<float>();
        Assert.Equal(e.Length, actual.Length);
        return e.Zip(actual, (a, b) => Math.Abs((double)a - b)).Max();
    }

    private static OnnxExportOptions ClassifierOptions(long channels, long size, long classes) =>
        new() { InputDims = ["batch", channels, size, size], OutputDims = ["batch", classes] };

    [Theory]
    [InlineData("small-cnn", 3, 32)]
    [InlineData("small-cnn", 1, 32)]
    [InlineData("resnet18", 3, 32)]
    [InlineData("resnet34", 3, 32)]
    [InlineData("resnet50", 3, 32)]
    [InlineData("densenet121", 1, 32)]
    public void ClassifierLogitsMatchOnnxRuntime(string name, long channels, long size)
    {
        // Seeded here: the weights must not depend on which tests ran before in this process.
        torch.ManualSeed(5);
        using var model = ModelRegistry.Create(name, 3, channels);
        RandomiseNorms(model, 7);
        model.Eval();
        using var scope = DisposeScope.Open();
        torch.ManualSeed(11);
        // Batch 3 while the graph's batch axis is symbolic: a batch other than 1 proves the dynamic axis.
        var x = torch.Randn(3, channels, size, size);
        Tensor expected;
        using (GradMode.NoGrad()) expected = model.Forward(x);

        var bytes = OnnxExporter.ToBytes(model, ClassifierOptions(channels, size, 3));
        var outputs = RunOnnx(bytes, x);

        Assert.Equal([3L, 3L], outputs["logits"].Shape);
        var diff = MaxAbsDiff(expected, outputs["logits"].Values);
        var scale = expected.Abs().Max().ToSingle();
        Assert.True(diff <= Tolerance, $"{name}: max |ONNX Runtime - MedLearn| = {diff} (max |logit| {scale})");
        // The graph is not trivially constant: a different image gives different logits.
        var other = RunOnnx(bytes, torch.Randn(1, channels, size, size));
        Assert.NotEqual(outputs["logits"].Values[..3], other["logits"].Values);
    }

    [Fact]
    public void PreActivationTrunkMatchesOnnxRuntime()
    {
        using var trunk = new PreActResNet(1, numFilters: 4, firstKernelSize: 7, firstStride: 2, firstPadding: 0, firstPoolSize: 3, firstPoolStride: 2,
            firstPoolPadding: 0, blocksPerStage: [2, 1], strides: [1, 2]);
        RandomiseNorms(trunk, 3);
        trunk.Eval();
        using var scope = DisposeScope.Open();
        var x = torch.Randn(2, 1, 45, 37);
        Tensor expected;
        using (GradMode.NoGrad()) expected = trunk.Forward(x);
        var bytes = OnnxExporter.ToBytes(trunk, new OnnxExportOptions { InputDims = ["batch", 1L, "height", "width"], OutputDims = ["batch", 8L, "h", "w"] });
        var output = RunOnnx(bytes, x)["logits"];
        Assert.Equal(expected.Shape, output.Shape);
        Assert.True(MaxAbsDiff(expected, output.Values) <= Tolerance);
    }

    [Fact]
    public void FoldedModelExportsTheSameFunction()
    {
        using var model = ModelRegistry.Create("resnet18", 2);
        RandomiseNorms(model, 5);
        model.Eval();
        using var scope = DisposeScope.Open();
        var x = torch.Randn(2, 3, 32, 32);
        Tensor expected;
        using (GradMode.NoGrad()) expected = model.Forward(x);
        Assert.Equal(20, ConvBatchNormFolding.Fold(model)); // batch norms become Identity, convolutions get biases
        var output = RunOnnx(OnnxExporter.ToBytes(model, ClassifierOptions(3, 32, 2)), x)["logits"];
        Assert.True(MaxAbsDiff(expected, output.Values) <= Tolerance);
    }

    [Fact]
    public void ExportingLeavesNoTensorHandlesBehind()
    {
        using var model = ModelRegistry.Create("resnet18", 2);
        OnnxExporter.ToBytes(model, ClassifierOptions(3, 32, 2)); // first use: lazily created handles are not the exporter's
        var baseline = LeakCheck.Baseline();
        var bytes = OnnxExporter.ToBytes(model, ClassifierOptions(3, 32, 2));
        Assert.Equal(baseline, LiveTensors.Count);
        // Every parameter and buffer is in the file: the 11.2 M float32 values of a 2-class ResNet-18 (+ BN statistics) dominate its size.
        var values = model.NamedParameters().Sum(p => p.Parameter.NumEl) + model.NamedBuffers().Where(b => !b.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal)).Sum(b => b.Buffer.NumEl);
        Assert.InRange(bytes.Length, values * 4, values * 4 + 200_000);
    }

    public static TheoryData<string> SegmentationNetworks => ["vnet", "dual-vnet", "unet3d", "unet3d-instance"];

    [Theory]
    [MemberData(nameof(SegmentationNetworks))]
    public void SegmentationOutputsMatchOnnxRuntime(string name)
    {
        using SegmentationNetwork net = name switch
        {
            "unet3d" => new UNet3d(new UNet3dOptions { BaseFilters = 4, Depth = 2, Classes = 3 }),
            "unet3d-instance" => new UNet3d(new UNet3dOptions { BaseFilters = 4, Depth = 2, Classes = 2, Norm = UNet3dNorm.Instance }),
            _ => SegmentationModelRegistry.Create(name, new VNetOptions { BaseFilters = 4, Depth = 2, Classes = 3 }),
        };
        RandomiseNorms(net, 9);
        net.Eval();
        using var scope = DisposeScope.Open();
        var x = torch.Randn(2, 1, 8, 12, 16);
        Tensor logits;
        Tensor? distance;
        using (GradMode.NoGrad())
        {
            var both = net.ForwardBoth(x);
            (logits, distance) = (both.Logits, both.Distance);
        }
        var bytes = OnnxExporter.ToBytes(net, new OnnxExportOptions
        {
            InputDims = ["batch", 1L, "depth", "height", "width"],
            OutputDims = ["batch", net.Classes, "depth", "height", "width"],
        });
        var outputs = RunOnnx(bytes, x);
        Assert.Equal(logits.Shape, outputs["logits"].Shape);
        Assert.True(MaxAbsDiff(logits, outputs["logits"].Values) <= Tolerance, $"{name}: logits differ");
        Assert.Equal(distance is not null, outputs.ContainsKey("distance"));
        if (distance is not null) Assert.True(MaxAbsDiff(distance, outputs["distance"].Values) <= Tolerance, $"{name}: distance map differs");
    }

    private sealed class Unmappable : Module<Tensor, Tensor>
    {
        public override Tensor Forward(Tensor input) => input.Sin();
    }

    [Fact]
    public void AModuleWithoutMappingIsNamedWithItsPath()
    {
        using var model = new SmallCnn(2);
        ((Sequential)model.GetSubmodule("features")).Add("odd", new Unmappable());
        var path = Path.Combine(Path.GetTempPath(), $"unmapped-{Guid.NewGuid():N}.onnx");
        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(model, path, ClassifierOptions(3, 32, 2)));
        Assert.Contains("'Unmappable'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'features.odd'", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path)); // nothing written
    }

    [Fact]
    public void AnUnsupportedConfigurationNamesTheOpAndPath()
    {
        using var model = new Sequential(("conv", new Conv2d(3, 4, 3)), ("pool", new AdaptiveAvgPool2d([2, 2])));
        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.ToBytes(model, ClassifierOptions(3, 8, 16)));
        Assert.Contains("AdaptiveAvgPool2d", e.Message, StringComparison.Ordinal);
        Assert.Contains("'pool'", e.Message, StringComparison.Ordinal);
        Assert.Contains("output size [2, 2]", e.Message, StringComparison.Ordinal);
        using var bnOnly = new Sequential(("bn", new BatchNorm2d(3, trackRunningStats: false)));
        e = Assert.Throws<OnnxExportException>(() => OnnxExporter.ToBytes(bnOnly, ClassifierOptions(3, 8, 3)));
        Assert.Contains("running statistics", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(18)]
    public void AnOpsetOutsideTheSupportedRangeIsRefused(int opset)
    {
        using var model = new SmallCnn(2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExporter.ToBytes(model, ClassifierOptions(3, 32, 2) with { Opset = opset }));
        Assert.Contains("13..17", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(17)]
    public void OnnxCheckerAcceptsTheFileAndTheOpsetIsRecorded(int opset)
    {
        using var model = ModelRegistry.Create("densenet121", 2);
        model.Eval();
        var path = Path.Combine(Path.GetTempPath(), $"checker-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.Export(model, path, ClassifierOptions(3, 32, 2) with { Opset = opset, Metadata = [new("k", "v")] });
            var (code, stdout, stderr) = PythonOracle.RunScript(PythonOracle.RepoFile("tools/onnx/check_onnx.py"), null, path);
            Assert.True(code == 0, $"onnx.checker rejected the file (is python3-onnx installed? setup.sh installs it):\n{stderr}");
            Assert.StartsWith($"ok ir=8 opset={opset} ", stdout, StringComparison.Ordinal);
            Assert.Contains("ops=AveragePool,BatchNormalization,Concat,Conv,Flatten,Gemm,GlobalAveragePool,Identity,MaxPool,Relu\n", stdout, StringComparison.Ordinal);
            using var session = new InferenceSession(path);
            Assert.Equal("v", session.ModelMetadata.CustomMetadataMap["k"]);
            Assert.Equal("MedLearn", session.ModelMetadata.ProducerName);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
