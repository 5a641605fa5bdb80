using MedLearn.Export.Onnx;
using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Tests;
using Tensor = MedLearn.Torch.Tensor;

namespace MedLearn.Tests.Export;

/// <summary>
/// Every architecture of the model registry exports to ONNX and ONNX Runtime gives MedLearn's evaluation-mode logits
/// (max |d| ≤ 1e-4, fp32) at batch 1 and 2 of one graph with a symbolic batch axis. Weights are random but made
/// non-trivial where the defaults would hide a wrong mapping: batch/layer-norm statistics and affines, ConvNeXt's
/// layer scale (1e-6 by default), Swin's relative position bias, ViT's class token and zero-initialised head.
/// </summary>
public sealed class OnnxZooExportTests
{
    private const double Tolerance = 1e-4;

    /// <summary>Every registry name with a small test input: 64 px where the network allows it (Inception-v3 needs 75+), ViT at its own 224.</summary>
    public static TheoryData<string, long> Architectures
    {
        get
        {
            var data = new TheoryData<string, long>();
            foreach (var name in ModelRegistry.Names) data.Add(name, name switch { "inception_v3" => 80, "vit_b_16" => 224, _ => 64 });
            return data;
        }
    }

    /// <summary>
    /// Other geometries of the transformers on small instances: a ViT made for 32 px exported at 48 px (the position
    /// embedding is resized for the 6x6 grid like the model's own) and a Swin whose maps need no window padding (56 px:
    /// 14x14 then 7x7, shifted windows in the first stage only).
    /// </summary>
    public static TheoryData<string, long> SmallTransformers => new() { { "vit", 48 }, { "swin", 56 } };

    /// <summary>
    /// Random weights (seeded) in the places where initial values would make a mapping error invisible, and batch-norm
    /// running statistics calibrated to one training-mode pass (stochastic depth and dropout off) over 16 random images of <paramref name="size"/> px: random
    /// statistics on untrained deep networks (or ones from training-mode passes with dropped residual branches) either blow the logits up to 1e8 (Inception's std-0.1 convolutions) or make
    /// them independent of the image (EfficientNet, MobileNetV3), neither of which tests anything.
    /// </summary>
    internal static void RandomiseWeights(ImageClassifier model, ulong seed, long size)
    {
        OnnxExportTests.RandomiseNorms(model, seed);
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        CalibrateBatchNorms(model, torch.Randn(16, model.InChannels, size, size));
        foreach (var (name, m) in model.NamedModules())
        {
            if (m is LayerNorm { Weight: not null } ln)
            {
                ln.Weight.CopyFrom(torch.Rand(ln.Weight.Shape) + 0.5);
                ln.Bias?.CopyFrom(torch.Randn(ln.Bias.Shape) * 0.1);
            }
            else if (m is LayerNorm2d ln2)
            {
                ln2.Weight.CopyFrom(torch.Rand(ln2.Weight.Shape) + 0.5);
                ln2.Bias.CopyFrom(torch.Randn(ln2.Bias.Shape) * 0.1);
            }
        }
        foreach (var (name, p) in model.NamedParameters())
        {
            if (name.EndsWith("layer_scale", StringComparison.Ordinal)) p.CopyFrom(torch.Rand(p.Shape) * 0.2 + 0.05);
            else if (name.EndsWith("relative_position_bias_table", StringComparison.Ordinal)) p.CopyFrom(torch.Randn(p.Shape));
            else if (name is "class_token") p.CopyFrom(torch.Randn(p.Shape) * 0.5);
        }
        foreach (var head in model.HeadNames)
        {
            var linear = (Linear)model.GetSubmodule(head);
            linear.Weight.CopyFrom(torch.Randn(linear.Weight.Shape) * 0.05);
            linear.Bias?.CopyFrom(torch.Randn(linear.Bias.Shape) * 0.1);
        }
    }

    /// <summary>
    /// Sets every batch norm's running statistics to the batch statistics of one training-mode pass over <paramref name="images"/>:
    /// the pass updates running = (1 − m)·old + m·batch, so batch = (running − (1 − m)·old)/m.
    /// </summary>
    private static void CalibrateBatchNorms(ImageClassifier model, Tensor images)
    {
        var norms = model.NamedModules().Select(m => m.Module).OfType<NormBase>().Where(n => n.RunningMean is not null).ToList();
        var before = norms.Select(n => (Mean: n.RunningMean!.Clone(), Var: n.RunningVar!.Clone())).ToList();
        model.Train();
        // Dropped residual branches would give statistics of another network than the evaluation-mode one.
        foreach (var (_, m) in model.NamedModules())
            if (m is StochasticDepth or Dropout) m.Eval();
        model.Forward(images).Dispose();
        model.Eval();
        for (var i = 0; i < norms.Count; i++)
        {
            var n = norms[i];
            var m = n.Momentum ?? 1.0 / n.NumBatchesTracked!.ToInt64();
            n.RunningMean!.CopyFrom((n.RunningMean - before[i].Mean * (1 - m)) / m);
            var batchVar = (n.RunningVar! - before[i].Var * (1 - m)) / m;
            // A floor of a tenth of the layer's mean variance: channels of near-zero variance (eps 1e-5) would amplify
            // float32 rounding 300-fold, and then MedLearn's own fp32 logits differ from fp64 by 1e-3 on the deep networks.
            n.RunningVar!.CopyFrom(batchVar + batchVar.Mean() * 0.1);
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void LogitsMatchOnnxRuntimeAtBatchOneAndTwo(string name, long size)
    {
        torch.ManualSeed(5);
        using var model = ModelRegistry.Create(name, 3);
        AssertMatchesOnnxRuntime(model, name, size);
    }

    [Theory]
    [MemberData(nameof(SmallTransformers))]
    public void SmallTransformersMatchOnnxRuntimeAtOtherGeometries(string kind, long size)
    {
        torch.ManualSeed(6);
        using ImageClassifier model = kind == "vit"
            ? new VisionTransformer(32, 8, 2, 2, 32, 64, numClasses: 3)
            : new SwinTransformer(4, 16, [2, 2], [1, 2], 7, numClasses: 3);
        AssertMatchesOnnxRuntime(model, kind, size);
    }

    [Fact]
    public void ExportingTheTransformersLeavesNoTensorHandlesBehind()
    {
        using var vit = new VisionTransformer(32, 8, 2, 2, 32, 64, numClasses: 3);
        using var swin = new SwinTransformer(4, 16, [2, 2], [1, 2], 7, numClasses: 3);
        // Exported at sizes that make the mappings compute tensors: a resized position embedding, shifted-window masks.
        var vitOptions = new OnnxExportOptions { InputDims = ["batch", 3L, 48L, 48L], OutputDims = ["batch", 3L] };
        var swinOptions = new OnnxExportOptions { InputDims = ["batch", 3L, 64L, 64L], OutputDims = ["batch", 3L] };
        OnnxExporter.ToBytes(vit, vitOptions);
        OnnxExporter.ToBytes(swin, swinOptions); // first use: lazily created handles are not the exporter's
        var baseline = LeakCheck.Baseline();
        OnnxExporter.ToBytes(vit, vitOptions);
        OnnxExporter.ToBytes(swin, swinOptions);
        Assert.Equal(baseline, LiveTensors.Count);
    }

    private static void AssertMatchesOnnxRuntime(ImageClassifier model, string name, long size)
    {
        RandomiseWeights(model, 7, size);
        model.Eval();
        using var scope = DisposeScope.Open();
        torch.ManualSeed(11);
        var x = torch.Randn(2, 3, size, size);
        Tensor expected;
        using (GradMode.NoGrad()) expected = model.Forward(x);

        var bytes = OnnxExporter.ToBytes(model, new OnnxExportOptions { InputDims = ["batch", 3L, size, size], OutputDims = ["batch", 3L] });
        var two = OnnxExportTests.RunOnnx(bytes, x)["logits"];
        var one = OnnxExportTests.RunOnnx(bytes, x.Narrow(0, 0, 1))["logits"];

        Assert.Equal([2L, 3L], two.Shape);
        Assert.Equal([1L, 3L], one.Shape);
        var e = expected.Contiguous().ToArray<float>();
        var diff2 = e.Zip(two.Values, (a, b) => Math.Abs((double)a - b)).Max();
        var diff1 = e.Take(3).Zip(one.Values, (a, b) => Math.Abs((double)a - b)).Max();
        var scale = e.Max(Math.Abs);
        Assert.True(diff2 <= Tolerance && diff1 <= Tolerance, $"{name} @ {size} px: max |ONNX Runtime - MedLearn| = {diff2} (batch 2), {diff1} (batch 1); max |logit| {scale}");
        // The two images give different logits: the comparison is not between constants.
        Assert.True(Math.Abs(e[0] - e[3]) + Math.Abs(e[1] - e[4]) + Math.Abs(e[2] - e[5]) > 1e-3, $"{name}: both images gave the same logits [{string.Join(", ", e)}]");
    }

    [Fact]
    public void MobileNetExportsInOpset13WithoutTheHardSwishOp()
    {
        torch.ManualSeed(3);
        using var model = ModelRegistry.Create("mobilenet_v3_large", 3);
        RandomiseWeights(model, 4, 64);
        model.Eval();
        using var scope = DisposeScope.Open();
        var x = torch.Randn(2, 3, 64, 64);
        Tensor expected;
        using (GradMode.NoGrad()) expected = model.Forward(x);
        var options = new OnnxExportOptions { InputDims = ["batch", 3L, 64L, 64L], OutputDims = ["batch", 3L] };
        var proto13 = OnnxExporter.Build(model, options with { Opset = 13 });
        Assert.DoesNotContain(proto13.Graph.Node, n => n.OpType == "HardSwish");
        Assert.Contains(proto13.Graph.Node, n => n.OpType == "HardSigmoid");
        Assert.Contains(OnnxExporter.Build(model, options).Graph.Node, n => n.OpType == "HardSwish");
        var output = OnnxExportTests.RunOnnx(OnnxExporter.ToBytes(model, options with { Opset = 13 }), x)["logits"];
        var diff = expected.Contiguous().ToArray<float>().Zip(output.Values, (a, b) => Math.Abs((double)a - b)).Max();
        Assert.True(diff <= Tolerance, $"opset 13: max |d| = {diff}");
    }

    [Fact]
    public void SwinWithASymbolicImageSizeIsRefusedNamingTheModule()
    {
        using var model = ModelRegistry.Create("swin_t", 2);
        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.ToBytes(model, new OnnxExportOptions { InputDims = ["batch", 3L, "height", "width"], OutputDims = ["batch", 2L] }));
        Assert.Contains("'SwinTransformer'", e.Message, StringComparison.Ordinal);
        Assert.Contains("fixed input height and width", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOpThatTheOpsetLacksNamesTheOpAndTheModulePath()
    {
        using var model = ModelRegistry.Create("vit_b_16", 2);
        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.ToBytes(model,
            new OnnxExportOptions { Opset = 13, InputDims = ["batch", 3L, 224L, 224L], OutputDims = ["batch", 2L] }));
        Assert.Contains("LayerNormalization needs opset 17", e.Message, StringComparison.Ordinal);
        Assert.Contains("'encoder.layers.encoder_layer_0.ln_1'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnnxCheckerAcceptsASwinFileAndListsItsOps()
    {
        using var model = ModelRegistry.Create("swin_t", 2);
        var path = Path.Combine(Path.GetTempPath(), $"swin-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.Export(model, path, new OnnxExportOptions { InputDims = ["batch", 3L, 64L, 64L], OutputDims = ["batch", 2L] });
            var (code, stdout, stderr) = PythonOracle.RunScript(PythonOracle.RepoFile("tools/onnx/check_onnx.py"), null, path);
            Assert.True(code == 0, $"onnx.checker rejected the file:\n{stderr}");
            Assert.StartsWith("ok ir=8 opset=17 ", stdout, StringComparison.Ordinal);
            Assert.True(stdout.Contains("ops=Add,Concat,Conv,Erf,Gemm,Identity,LayerNormalization,MatMul,Mul,Pad,ReduceMean,Reshape,Slice,Softmax,Split,Transpose\n", StringComparison.Ordinal), stdout);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
