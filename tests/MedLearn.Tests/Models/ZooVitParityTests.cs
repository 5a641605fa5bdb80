using System.Text.Json;
using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Optim;
using MedLearn.Torch.Serialization;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Models;

/// <summary>
/// ConvNeXt, ViT-B/16 and Swin-T against torchvision 0.14 (tools/golden/zoo_vit_oracle.py): state dicts load strictly by
/// name and give the same logits and pooled features (max |d| &lt;= 1e-4 fp32), keys and parameter counts are
/// torchvision's, 1-channel and other-class imports adapt the first convolution and the head, one training step
/// (stochastic depth draws included) gives PyTorch's loss, gradients and parameters, and our saved files load back in
/// Python with strict=True.
/// </summary>
[Collection(ZooVitOracle.Collection)]
public sealed class ZooVitParityTests(ZooVitOracle oracle)
{
    private static double MaxAbsDiff(Tensor a, Tensor b) => (a - b).Abs().Max().ToDouble();

    /// <summary>The 4-class model the oracle saved for <paramref name="name"/> (ViT-B/16 for 64 px inputs).</summary>
    private static ImageClassifier Create(string name, long classes = 4, long inChannels = 3) =>
        name == "vit_b_16" ? VisionTransformer.ViTB16(classes, inChannels, imageSize: 64) : ModelRegistry.Create(name, classes, inChannels);

    [Theory]
    [InlineData("convnext_tiny")]
    [InlineData("convnext_small")]
    [InlineData("vit_b_16")]
    [InlineData("swin_t")]
    public void TorchvisionStateDictLoadsStrictlyAndLogitsAndFeaturesMatch(string name)
    {
        using var scope = DisposeScope.Open();
        using var model = Create(name);
        Assert.Equal(oracle.Value(name + "_keys").EnumerateArray().Select(e => e.GetString()!).ToArray(), model.StateDict().Keys.ToArray());
        var result = model.LoadStateDict(StateDictFile.Load(oracle.PathOf(name + ".pt")), strict: true);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        model.Eval();
        using var noGrad = GradMode.NoGrad();
        var (features, logits) = model.ForwardWithFeatures(oracle.Tensor("input"));
        var expected = oracle.Tensor(name + "_logits");
        Assert.Equal(expected.Shape, logits.Shape);
        var diff = MaxAbsDiff(logits, expected);
        Assert.True(diff <= 1e-4, $"{name}: max abs diff of logits {diff}");
        Assert.Equal([1, model.FeatureDim], features.Shape);
        var featDiff = MaxAbsDiff(features, oracle.Tensor(name + "_features"));
        Assert.True(featDiff <= 1e-4, $"{name}: max abs diff of features {featDiff}");

        if (name != "vit_b_16") return;
        // Another input size: the 4x4-grid position embedding resized on the fly to 2x2 (bicubic, align_corners), as a
        // torchvision ViT built for 32 px and loaded through interpolate_embeddings computes it.
        var diff32 = MaxAbsDiff(model.Forward(oracle.Tensor("vit_b_16_input32")), oracle.Tensor("vit_b_16_32px_logits"));
        Assert.True(diff32 <= 1e-4, $"vit_b_16 at 32 px: max abs diff of logits {diff32}");
    }

    [Theory]
    [InlineData("convnext_tiny", 28_589_128)]
    [InlineData("convnext_small", 50_223_688)]
    [InlineData("vit_b_16", 86_567_656)]
    [InlineData("swin_t", 28_288_354)]
    public void ParameterCountsAndKeyOrderEqualTorchvision(string name, long count)
    {
        Assert.Equal(count, oracle.Value(name + "_params_1000").GetInt64());
        Assert.Equal(count, ModelRegistry.Info(name).ParameterCount);
        using var model = ModelRegistry.Create(name, 1000);
        Assert.Equal(count, model.ParameterCount());
        // torchvision's key order (the oracle's 4-class, and for ViT 64 px, models have the same keys).
        Assert.Equal(oracle.Value(name + "_keys").EnumerateArray().Select(e => e.GetString()!).ToArray(), model.StateDict().Keys.ToArray());
    }

    [Theory]
    [InlineData("convnext_tiny")]
    [InlineData("vit_b_16")]
    [InlineData("swin_t")]
    public void GrayModelWithSummedFirstConvEqualsTorchvisionOnReplicatedChannels(string name)
    {
        using var model = Create(name, inChannels: 1);
        var report = PretrainedWeights.Load(model, oracle.PathOf(name + ".pt"));
        Assert.True(report.FirstConvAdapted, report.Describe());
        Assert.True(report.IsComplete, report.Describe());
        Assert.False(report.HeadReinitialised);
        Assert.Equal(1, model.InChannels);
        model.Eval();
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        var diff = MaxAbsDiff(model.Forward(oracle.Tensor("gray_input")), oracle.Tensor(name + "_gray_logits"));
        Assert.True(diff <= 1e-4, $"{name} gray: max abs diff of logits {diff}");
    }

    [Fact]
    public void TwoChannelModelGetsTheRgbSumSpreadOverItsChannels()
    {
        using var model = ModelRegistry.Create("swin_t", 4, inChannels: 2);
        var report = PretrainedWeights.Load(model, oracle.PathOf("swin_t.pt"));
        Assert.True(report.FirstConvAdapted, report.Describe());
        Assert.True(report.IsComplete, report.Describe());
        model.Eval();
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        // (g, g) through the adapted model equals (g, g, g) through torchvision's.
        var diff = MaxAbsDiff(model.Forward(oracle.Tensor("gray_input").Expand(1, 2, 64, 64)), oracle.Tensor("swin_t_gray_logits"));
        Assert.True(diff <= 1e-4, $"2-channel swin_t: max abs diff of logits {diff}");
    }

    [Theory]
    [InlineData("convnext_tiny", "classifier.2")]
    [InlineData("swin_t", "head")]
    public void ImportIntoAnotherClassCountReplacesTheNestedHeadAndKeepsFeatures(string name, string head)
    {
        using var model = ModelRegistry.Create(name, 2);
        Assert.Equal(head, model.HeadName);
        var report = PretrainedWeights.Load(model, oracle.PathOf(name + ".pt"));
        Assert.True(report.HeadReinitialised);
        Assert.Equal([4, 768], report.FileHeadShape);
        Assert.True(report.IsComplete, report.Describe());
        Assert.Equal(2, model.NumClasses);
        model.Eval();
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        var (features, logits) = model.ForwardWithFeatures(oracle.Tensor("input"));
        Assert.Equal([1, 2], logits.Shape);
        var diff = MaxAbsDiff(features, oracle.Tensor(name + "_features"));
        Assert.True(diff <= 1e-4, $"{name}: max abs diff of features {diff}");
    }

    [Fact]
    public void ViTImportAtAnotherInputSizeResizesThePositionEmbeddingLikeTorchvision()
    {
        using var model = ModelRegistry.Create("vit_b_16", 2); // 224 px: a 14x14 grid; the file was trained at 64 px (4x4)
        var report = PretrainedWeights.Load(model, oracle.PathOf("vit_b_16.pt"));
        Assert.True(report.IsComplete, report.Describe());
        Assert.True(report.HeadReinitialised);
        var note = Assert.Single(report.Adaptations);
        Assert.Contains("4x4 to a 14x14", note);
        Assert.Contains(note, report.Describe());
        using var scope = DisposeScope.Open();
        var expected = StateDictFile.Load(oracle.PathOf("vit_b_16_pos224.pt"))["pos"];
        var pos = model.StateDict()["encoder.pos_embedding"];
        Assert.Equal(expected.Shape, pos.Shape);
        var diff = MaxAbsDiff(pos, expected);
        Assert.True(diff <= 1e-5, $"interpolated position embedding: max abs diff {diff}");
        // torchvision's head init: zeros.
        Assert.Equal(0, model.StateDict()["heads.head.weight"].Abs().Sum().ToDouble());
    }

    /// <summary>The C# counterpart of zoo_vit_models.SMALL[name].</summary>
    private static ImageClassifier Mini(string name) => name switch
    {
        "convnext_mini" => new ConvNeXt([new(16, 32, 2), new(32, null, 2)], stochasticDepthProb: 0.5, numClasses: 3),
        "vit_mini" => new VisionTransformer(32, 8, 2, 4, 32, 64, numClasses: 3),
        "swin_mini" => new SwinTransformer(2, 16, [2, 2], [2, 4], 4, stochasticDepthProb: 0.5, numClasses: 3),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [InlineData("convnext_mini")]
    [InlineData("vit_mini")]
    [InlineData("swin_mini")]
    public void OneTrainingStepMatchesPyTorchAndTheSavedFileLoadsInPython(string name)
    {
        using var model = Mini(name);
        model.LoadStateDict(StateDictFile.Load(oracle.PathOf(name + "_init.pt")), strict: true);
        using var scope = DisposeScope.Open();
        var input = oracle.Tensor(name + "_input");
        var labels = oracle.Tensor(name + "_labels").To(DType.Int64);
        model.Train();
        using var sgd = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9);
        torch.ManualSeed(123); // stochastic depth draws in PyTorch's order from the same generator
        var loss = Functional.CrossEntropy(model.Forward(input), labels);
        sgd.ZeroGrad();
        loss.Backward();
        var lossDiff = Math.Abs(loss.ToDouble() - oracle.Tensor(name + "_loss").ToDouble());
        Assert.True(lossDiff <= 1e-5, $"{name}: loss differs by {lossDiff}");
        var grads = StateDictFile.Load(oracle.PathOf(name + "_grads.pt"));
        var named = model.NamedParameters().ToList();
        Assert.Equal(grads.Keys.ToArray(), named.Select(p => p.Name).ToArray());
        foreach (var (key, p) in named)
        {
            var d = MaxAbsDiff(p.Grad!, grads[key]);
            Assert.True(d <= 1e-5, $"{name}: gradient of {key} differs by {d}");
        }
        sgd.Step();
        var stepped = StateDictFile.Load(oracle.PathOf(name + "_step.pt"));
        foreach (var (key, t) in model.StateDict())
        {
            var d = MaxAbsDiff(t.To(DType.Float64), stepped[key].To(DType.Float64));
            Assert.True(d <= 1e-5, $"{name}: {key} after the step differs by {d}");
        }

        // Our file in Python: strict load into the torchvision class, same eval logits.
        model.Eval();
        var dir = Path.Combine(oracle.Directory, "roundtrip-" + name);
        Directory.CreateDirectory(dir);
        var saved = Path.Combine(dir, "model.pt");
        var inputFile = Path.Combine(dir, "input.pt");
        StateDictFile.Save(model, saved);
        StateDictFile.Save(new Dictionary<string, Tensor> { ["input"] = input }, inputFile);
        Tensor ours;
        using (GradMode.NoGrad()) ours = model.Forward(input);
        var (code, stdout, stderr) = PythonOracle.RunScript(PythonOracle.RepoFile("tools/golden/check_zoo_vit_load.py"), null, name, saved, inputFile);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(model.StateDict().Count, json.RootElement.GetProperty("keys").GetInt32());
        var python = json.RootElement.GetProperty("logits").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        var pyDiff = MaxAbsDiff(ours, torch.FromSpan<float>(python, ours.Shape));
        Assert.True(pyDiff <= 1e-5, $"{name}: logits of our file in Python differ by {pyDiff}");
    }

    [Theory]
    [InlineData("convnext_mini")]
    [InlineData("vit_mini")]
    [InlineData("swin_mini")]
    public void ForwardPassesLeaveNoLiveTensorsBehindTheirScope(string name)
    {
        using var model = Mini(name);
        var baseline = LeakCheck.Baseline();
        for (var i = 0; i < 2; i++)
        {
            using var scope = DisposeScope.Open();
            var input = torch.Randn(2, 3, 32, 32);
            model.Train(i == 0);
            var loss = model.Forward(input).Sum();
            loss.Backward();
            var outputs = model.ForwardWithActivations(input, [model.ActivationNames[^1]]);
            Assert.NotNull(torch.Autograd.Grad(outputs.Output.Sum(), outputs.Activations[model.ActivationNames[^1]]));
            model.ZeroGrad();
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Theory]
    [InlineData("convnext_mini", "features.3", 32, 4)]
    [InlineData("vit_mini", "encoder.layers.encoder_layer_1.ln_1", 32, 4)]
    [InlineData("swin_mini", "norm", 32, 6)]
    public void DefaultGradCamLayerIsAFeatureMapTheScoreDependsOn(string name, string last, long channels, long side)
    {
        using var model = Mini(name);
        model.LoadStateDict(StateDictFile.Load(oracle.PathOf(name + "_init.pt")), strict: true);
        model.Eval();
        Assert.Equal(last, model.ActivationNames[^1]);
        using var scope = DisposeScope.Open();
        var input = oracle.Tensor(name + "_input").Narrow(0, 0, 1);
        Tensor plain;
        using (GradMode.NoGrad()) plain = model.Forward(input);
        var outputs = model.ForwardWithActivations(input, [.. model.ActivationNames]);
        Assert.True(MaxAbsDiff(outputs.Output, plain) <= 1e-6, "recording activations changed the logits");
        foreach (var layer in model.ActivationNames) Assert.Equal(4, outputs.Activations[layer].Dim);
        var map = outputs.Activations[last];
        Assert.Equal([1, channels, side, side], map.Shape);
        var grad = torch.Autograd.Grad(outputs.Output.Select(1, 0).Sum(), map);
        Assert.NotNull(grad);
        Assert.True(grad!.Abs().Sum().ToDouble() > 0, $"{name}: the score does not depend on {last}");
    }
}
