using System.Text.Json;
using MedLearn.Models;
using MedLearn.Models.Inception;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Optim;
using MedLearn.Torch.Serialization;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Models;

/// <summary>
/// The CNN zoo (EfficientNet-B0..B4/V2-S, MobileNetV3-Large, RegNetY-400MF, Inception-v3) against torchvision 0.14:
/// keys, shapes and parameter counts; torchvision state dicts load strictly and give the same eval logits and features
/// (max |d| ≤ 1e-4); one seeded SGD training step (dropout and stochastic-depth masks included) gives the same weights and
/// running statistics; our saved files load into torchvision with strict=True; pretrained import re-initialises every head
/// and sums the RGB filters for gray input.
/// </summary>
[Collection(ZooCnnOracle.Collection)]
public sealed class ZooCnnParityTests(ZooCnnOracle oracle)
{
    public static TheoryData<string> All => ["efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3", "efficientnet_b4",
        "efficientnet_v2_s", "mobilenet_v3_large", "regnet_y_400mf", "inception_v3"];

    private static readonly string[] s_parity = ["efficientnet_b0", "efficientnet_v2_s", "mobilenet_v3_large", "regnet_y_400mf", "inception_v3"];

    public static TheoryData<string> Parity => [.. s_parity];

    /// <summary>The parity architectures plus the larger EfficientNets, whose eval logits and features are checked (no training step: time).</summary>
    public static TheoryData<string> LogitsParity => [.. s_parity, "efficientnet_b1", "efficientnet_b2", "efficientnet_b3", "efficientnet_b4"];

    private static double MaxDiff(Tensor a, Tensor b) => (a - b).Abs().Max().ToDouble();

    [Theory]
    [MemberData(nameof(All))]
    public void StateDictKeysShapesAndParameterCountEqualTorchvision(string name)
    {
        using var scope = DisposeScope.Open();
        using var model = ModelRegistry.Create(name, 1000);
        var sd = model.StateDict();
        var keys = oracle.Value(name + "_keys").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(keys, sd.Keys.ToArray());
        var shapes = oracle.Value(name + "_shapes").EnumerateArray().Select(e => e.EnumerateArray().Select(d => d.GetInt64()).ToArray()).ToArray();
        Assert.Equal(shapes, sd.Values.Select(t => t.Shape.ToArray()).ToArray());
        var count = oracle.Value(name + "_params_1000").GetInt64();
        Assert.Equal(count, model.ParameterCount());
        Assert.Equal(count, ModelRegistry.Info(name).ParameterCount);
    }

    [Theory]
    [MemberData(nameof(LogitsParity))]
    public void TorchvisionStateDictLoadsStrictlyAndLogitsAndFeaturesMatch(string name)
    {
        using var scope = DisposeScope.Open();
        using var model = ModelRegistry.Create(name, 4);
        var report = PretrainedWeights.Load(model, oracle.PathOf(name + ".pt"));
        Assert.True(report.IsComplete);
        Assert.False(report.HeadReinitialised);
        model.Eval();
        using var noGrad = GradMode.NoGrad();
        var (features, logits) = model.ForwardWithFeatures(oracle.Tensor(name + "_input"));
        var expected = oracle.Tensor(name + "_logits");
        Assert.Equal(expected.Shape, logits.Shape);
        Assert.True(MaxDiff(logits, expected) <= 1e-4, $"{name}: max |d| of logits {MaxDiff(logits, expected)}");
        Assert.Equal([1, model.FeatureDim], features.Shape);
        // Features (up to ~20 for these calibrated random networks) within 1e-4 relative to their largest magnitude.
        var f = oracle.Tensor(name + "_features");
        var fTol = 1e-4 * Math.Max(1, f.Abs().Max().ToDouble());
        Assert.True(MaxDiff(features, f) <= fTol, $"{name}: max |d| of features {MaxDiff(features, f)} (tolerance {fTol})");
    }

    [Theory]
    [MemberData(nameof(Parity))]
    public void OneTrainingStepMatchesTorchvision(string name)
    {
        using var scope = DisposeScope.Open();
        using var model = ModelRegistry.Create(name, 4);
        model.LoadStateDict(StateDictFile.Load(oracle.PathOf(name + ".pt")), strict: true);
        model.Train();
        var x = oracle.Tensor(name + "_train_input");
        var y = oracle.Tensor(name + "_train_labels");
        using var sgd = new SGD(model.Parameters(), lr: 0.1);
        // The same generator state as the script's: dropout and stochastic-depth masks are drawn identically.
        torch.ManualSeed(ZooCnnOracle.TrainSeed);
        Tensor loss;
        if (model is IAuxiliaryClassifier aux)
        {
            var (logits, auxLogits) = aux.ForwardWithAuxiliary(x);
            Assert.NotNull(auxLogits);
            loss = Functional.CrossEntropy(logits, y) + aux.AuxiliaryLossWeight * Functional.CrossEntropy(auxLogits, y);
        }
        else loss = Functional.CrossEntropy(model.Forward(x), y);
        sgd.ZeroGrad();
        loss.Backward();
        sgd.Step();
        var expectedLoss = oracle.Value(name + "_train_loss").GetDouble();
        var lossTol = oracle.Value(name + "_train_loss_tol").GetDouble();
        Assert.True(Math.Abs(loss.ToDouble() - expectedLoss) <= lossTol, $"{name}: loss {loss.ToDouble()} vs {expectedLoss} (tolerance {lossTol})");
        var after = StateDictFile.Load(oracle.PathOf(name + "_step.pt"));
        var ours = model.StateDict();
        Assert.Equal(after.Keys, ours.Keys);
        // Per tensor: within 10x the distance of torchvision's own fp32 step from the float64 one (at least 1e-4).
        var tolerances = oracle.Value(name + "_step_tol");
        var worst = after.Where(kv => kv.Value.DType.IsFloatingPoint())
            .Select(kv => (kv.Key, Diff: MaxDiff(ours[kv.Key], kv.Value), Tol: tolerances.GetProperty(kv.Key).GetDouble()))
            .MaxBy(t => t.Diff / t.Tol);
        Assert.True(worst.Diff <= worst.Tol, $"{name}: after one step {worst.Key} differs by {worst.Diff} (tolerance {worst.Tol})");
        Assert.All(after.Where(kv => !kv.Value.DType.IsFloatingPoint()), kv => Assert.True(ours[kv.Key].Equal(kv.Value), kv.Key));
    }

    [Fact]
    public void SavedStateDictsLoadIntoTorchvisionStrictlyWithTheSameLogits()
    {
        using var scope = DisposeScope.Open();
        var dir = Path.Combine(oracle.Directory, "ours");
        Directory.CreateDirectory(dir);
        var names = s_parity;
        var ours = new Dictionary<string, Tensor>();
        foreach (var name in names)
        {
            // torchvision's calibrated weights (so eval logits are O(1)), every parameter then changed by MedLearn (each
            // element scaled by 1 + 0.01·N(0, 1): gradient steps through these random networks are ill-conditioned), saved by MedLearn.
            using var model = ModelRegistry.Create(name, 4);
            model.LoadStateDict(StateDictFile.Load(oracle.PathOf(name + ".pt")), strict: true);
            model.Eval();
            torch.ManualSeed(11);
            using (GradMode.NoGrad())
                foreach (var p in model.Parameters())
                    p.Mul_(torch.RandnLike(p) * 0.01 + 1);
            var x = oracle.Tensor(name + "_input");
            using (GradMode.NoGrad()) ours[name] = model.Forward(x);
            StateDictFile.Save(model, Path.Combine(dir, name + ".pt"));
            StateDictFile.Save(new Dictionary<string, Tensor> { ["input"] = x }, Path.Combine(dir, name + "_input.pt"));
        }
        var (code, stdout, stderr) = PythonOracle.RunScript(PythonOracle.RepoFile("tools/golden/check_zoo_cnn_load.py"), null, [dir, .. names]);
        Assert.True(code == 0, $"check_zoo_cnn_load.py failed ({code}):\n{stderr}");
        using var json = JsonDocument.Parse(stdout);
        foreach (var name in names)
        {
            var rows = json.RootElement.GetProperty(name).EnumerateArray().Select(r => r.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()).ToArray();
            var python = torch.FromSpan<float>(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
            Assert.True(MaxDiff(python, ours[name]) <= 1e-4, $"{name}: Python's logits differ by {MaxDiff(python, ours[name])} (ours up to {ours[name].Abs().Max().ToDouble()})");
            Assert.False(ours[name].Equal(oracle.Tensor(name + "_logits"))); // the step changed the model
        }
    }

    [Theory]
    [MemberData(nameof(Parity))]
    public void ImportIntoAGrayModelSumsTheRgbFiltersAndReinitialisesEveryHead(string name)
    {
        using var scope = DisposeScope.Open();
        var file = oracle.PathOf(name + ".pt");
        // Inception's transform_input re-normalises RGB channels differently, so the identity below holds without it
        // (a 1-channel Inception never transforms its input).
        ImageClassifier Build(long classes, long channels) =>
            name == "inception_v3" ? new Inception3(classes, channels, transformInput: false) : ModelRegistry.Create(name, classes, channels);
        using var gray = Build(3, 1);
        var report = PretrainedWeights.Load(gray, file);
        Assert.True(report.FirstConvAdapted);
        Assert.True(report.HeadReinitialised);
        Assert.Equal([4L], report.FileHeadShape!.Take(1));
        Assert.All(gray.HeadNames, h => Assert.Equal(3, ((Linear)gray.GetSubmodule(h)).OutFeatures));
        Assert.Equal(name == "inception_v3" ? 2 : 1, gray.HeadNames.Count);
        using var rgb = Build(4, 3);
        PretrainedWeights.Load(rgb, file);
        gray.Eval();
        rgb.Eval();
        using var noGrad = GradMode.NoGrad();
        var size = oracle.Tensor(name + "_input").Shape[^1];
        var g = torch.Randn(1, 1, size, size);
        var fGray = gray.ForwardFeatures(g);
        var fRgb = rgb.ForwardFeatures(torch.Cat([g, g, g], 1));
        // Equal up to float rounding (summing the filters first reorders the additions): 1e-3 relative; a wrong adaptation
        // (e.g. the red filter only) differs by O(1) relative.
        var tol = 1e-3 * Math.Max(1, fRgb.Abs().Max().ToDouble());
        Assert.True(MaxDiff(fGray, fRgb) <= tol, $"{name}: gray features differ by {MaxDiff(fGray, fRgb)} (tolerance {tol})");
        Assert.Equal([1, 3], gray.Forward(g).Shape);
    }

    [Fact]
    public void ImportIntoATwoChannelModelSpreadsTheSummedRgbFilter()
    {
        using var scope = DisposeScope.Open();
        using var two = ModelRegistry.Create("regnet_y_400mf", 4, inChannels: 2);
        var report = PretrainedWeights.Load(two, oracle.PathOf("regnet_y_400mf.pt"));
        Assert.True(report.FirstConvAdapted);
        Assert.False(report.HeadReinitialised);
        using var rgb = ModelRegistry.Create("regnet_y_400mf", 4);
        PretrainedWeights.Load(rgb, oracle.PathOf("regnet_y_400mf.pt"));
        two.Eval();
        rgb.Eval();
        using var noGrad = GradMode.NoGrad();
        // Σ W / 2 on each of 2 equal channels: (x, x) responds like (x, x, x) through the RGB filters.
        var g = torch.Randn(1, 1, 64, 64);
        var l2 = two.Forward(torch.Cat([g, g], 1));
        var l3 = rgb.Forward(torch.Cat([g, g, g], 1));
        Assert.True(MaxDiff(l2, l3) <= 1e-4, $"2-channel logits differ by {MaxDiff(l2, l3)}");
    }

    [Theory]
    [MemberData(nameof(Parity))]
    public void EveryBatchNormFoldsForInferenceWithTheSameLogits(string name)
    {
        using var scope = DisposeScope.Open();
        using var model = ModelRegistry.Create(name, 4);
        model.LoadStateDict(StateDictFile.Load(oracle.PathOf(name + ".pt")), strict: true);
        model.Eval();
        var batchNorms = model.NamedModules().Count(m => m.Module is BatchNorm2d);
        var x = oracle.Tensor(name + "_input");
        using var noGrad = GradMode.NoGrad();
        var before = model.Forward(x);
        // Every batch norm of these networks directly follows its convolution (conv-bn[-act] blocks).
        Assert.Equal(batchNorms, ConvBatchNormFolding.Fold(model));
        Assert.DoesNotContain(model.NamedModules(), m => m.Module is BatchNorm2d);
        var after = model.Forward(x);
        Assert.True(MaxDiff(before, after) <= 1e-4 * Math.Max(1, before.Abs().Max().ToDouble()), $"{name}: folded logits differ by {MaxDiff(before, after)}");
    }

    [Theory]
    [InlineData("regnet_y_400mf", "efficientnet_b0", "a torchvision RegNet")]
    [InlineData("inception_v3", "mobilenet_v3_large", "a torchvision Inception-v3")]
    [InlineData("efficientnet_b0", "regnet_y_400mf", "a torchvision EfficientNet")]
    [InlineData("mobilenet_v3_large", "inception_v3", "a torchvision MobileNetV3")]
    public void AFileOfAnotherArchitectureIsNamedAndLeavesTheModelUnchanged(string file, string model, string guess)
    {
        using var scope = DisposeScope.Open();
        using var target = ModelRegistry.Create(model, 4);
        var before = target.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        var e = Assert.Throws<PretrainedWeightsException>(() => PretrainedWeights.Load(target, oracle.PathOf(file + ".pt")));
        Assert.Contains($"its keys look like {guess}", e.Message, StringComparison.Ordinal);
        Assert.Contains("missing key(s)", e.Message, StringComparison.Ordinal);
        Assert.All(target.StateDict(), kv => Assert.True(before[kv.Key].Equal(kv.Value), kv.Key));
    }

    [Fact]
    public void AFileOfAnotherSizeListsTheFirstShapeMismatches()
    {
        using var scope = DisposeScope.Open();
        using var b2 = ModelRegistry.Create("efficientnet_b2", 4);
        var e = Assert.Throws<PretrainedWeightsException>(() => PretrainedWeights.Load(b2, oracle.PathOf("efficientnet_b0.pt")));
        // B2 is 1.1x wider (after make_divisible: 40 → 48 channels from the third stage on) and 1.2x deeper.
        Assert.Contains("shape mismatch(es)", e.Message, StringComparison.Ordinal);
        Assert.Contains("file [", e.Message, StringComparison.Ordinal);
        Assert.Contains(e.Report.ShapeMismatches, m => m.Key == "features.3.0.block.3.0.weight"); // project conv 144 → 40 vs 48
        Assert.NotEmpty(e.Report.MissingKeys);
    }
}
