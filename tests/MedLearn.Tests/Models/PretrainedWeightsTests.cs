using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Models;

/// <summary>
/// Importing torchvision state-dict files (written by Debian's torchvision, random init with calibrated batch
/// norms, by tools/golden/gen_data_models.py) with <see cref="PretrainedWeights"/>.
/// </summary>
[Collection(ModelOracle.Collection)]
public sealed class PretrainedWeightsTests(ModelOracle oracle)
{
    private static double MaxAbsDiff(Tensor a, Tensor b) => (a - b).Abs().Max().ToDouble();

    [Fact]
    public void ImageNetHeadIsReplacedAndBackboneFeaturesEqualTorchvision()
    {
        using var model = ResNet.ResNet18(numClasses: 4);
        var baseline = LeakCheck.Baseline();
        var report = PretrainedWeights.Load(model, oracle.StateDictPath("resnet18_1000"));
        Assert.Equal(baseline, LiveTensors.Count);
        using var scope = DisposeScope.Open();
        Assert.True(report.HeadReinitialised);
        Assert.Equal([1000, 512], report.FileHeadShape);
        Assert.True(report.IsComplete, report.Describe());
        Assert.Equal(model.StateDict().Count - 2, report.LoadedKeys); // everything but fc.weight, fc.bias
        Assert.False(report.FirstConvAdapted);
        Assert.Equal(0, report.RenamedKeys);
        Assert.Equal(4, model.NumClasses);

        model.Eval();
        using var noGrad = GradMode.NoGrad();
        var (features, logits) = model.ForwardWithFeatures(oracle.Tensor("input"));
        var diff = MaxAbsDiff(features, oracle.Tensor("resnet18_1000_features"));
        Assert.True(diff <= 1e-4, $"max abs diff of features {diff}");
        Assert.Equal([1, 4], logits.Shape);
    }

    [Fact]
    public void WrongArchitectureGivesAShortSummary()
    {
        using var model = ResNet.ResNet18(numClasses: 4);
        using var scope = DisposeScope.Open();
        var before = ((Conv2d)model.GetSubmodule("conv1")).Weight.Detach().Clone();
        var e = Assert.Throws<PretrainedWeightsException>(() => PretrainedWeights.Load(model, oracle.StateDictPath("densenet121")));

        var resnetKeys = oracle.Value("resnet18_keys").EnumerateArray().Select(k => k.GetString()!).ToList();
        var densenetKeys = oracle.Value("densenet121_keys").EnumerateArray().Select(k => k.GetString()!).ToList();
        // The file has no "fc" head (so the model's head counts as re-initialised, not missing) and num_batches_tracked
        // counters are filled in: every other resnet key is missing, every densenet key unexpected.
        var missing = resnetKeys.Count(k => !k.StartsWith("fc.", StringComparison.Ordinal) && !k.EndsWith("num_batches_tracked", StringComparison.Ordinal));
        Assert.Equal(missing, e.Report.MissingKeys.Count);
        Assert.Equal(densenetKeys.Count, e.Report.UnexpectedKeys.Count);
        Assert.Empty(e.Report.ShapeMismatches);

        var message = e.Message;
        Assert.Contains("densenet121.pt", message, StringComparison.Ordinal);
        Assert.Contains("another architecture (its keys look like a torchvision DenseNet)", message, StringComparison.Ordinal);
        Assert.Contains($"{missing} missing key(s) (in the model, not in the file), first 10:\n  conv1.weight\n  bn1.weight", message, StringComparison.Ordinal);
        Assert.Contains($"... and {missing - 10} more", message, StringComparison.Ordinal);
        Assert.Contains($"{densenetKeys.Count} unexpected key(s) (in the file, not in the model), first 10:\n  features.conv0.weight", message, StringComparison.Ordinal);
        Assert.Contains($"... and {densenetKeys.Count - 10} more", message, StringComparison.Ordinal);
        Assert.True(message.Split('\n').Length <= 30, $"{message.Split('\n').Length} lines");
        Assert.True(before.Equal(((Conv2d)model.GetSubmodule("conv1")).Weight), "the model changed although loading failed");
    }

    [Fact]
    public void ShapeMismatchListsBothShapesAndNonStrictLoadsTheRest()
    {
        using var model = ResNet.ResNet18(numClasses: 4);
        using var scope = DisposeScope.Open();
        // A file whose first convolution has 2 input channels: RGB weights adapt to any channel count, the reverse is a mismatch.
        var original = MedLearn.Torch.Serialization.StateDictFile.Load(oracle.StateDictPath("resnet18"));
        original["conv1.weight"] = original["conv1.weight"].Narrow(1, 0, 2).Contiguous();
        var path = Path.Combine(oracle.Directory, "resnet18_conv1_2ch.pt");
        MedLearn.Torch.Serialization.StateDictFile.Save(original, path);
        var e = Assert.Throws<PretrainedWeightsException>(() => PretrainedWeights.Load(model, path));
        Assert.Contains("1 shape mismatch(es):\n  conv1.weight: file [64, 2, 7, 7], model [64, 3, 7, 7]", e.Message, StringComparison.Ordinal);
        Assert.Empty(e.Report.MissingKeys);
        Assert.Empty(e.Report.UnexpectedKeys);

        var report = PretrainedWeights.Load(model, path, strict: false);
        Assert.Equal(new ShapeMismatch("conv1.weight", [64, 2, 7, 7], [64, 3, 7, 7]).ToString(), Assert.Single(report.ShapeMismatches).ToString());
        Assert.Equal(model.StateDict().Count - 1, report.LoadedKeys);
        Assert.False(report.HeadReinitialised); // same 4-class head: loaded
        var file = MedLearn.Torch.Serialization.StateDictFile.Load(path);
        Assert.True(file["layer4.1.bn2.running_var"].Equal(model.StateDict()["layer4.1.bn2.running_var"]));
        Assert.True(file["fc.weight"].Equal(model.StateDict()["fc.weight"]));
    }

    [Fact]
    public void OneChannelModelOnGrayEqualsTorchvisionOnReplicatedGray()
    {
        using var model = ResNet.ResNet18(numClasses: 4, inChannels: 1);
        using var scope = DisposeScope.Open();
        var report = PretrainedWeights.Load(model, oracle.StateDictPath("resnet18"));
        Assert.True(report.FirstConvAdapted);
        Assert.False(report.HeadReinitialised);
        Assert.True(report.IsComplete, report.Describe());
        model.Eval();
        using var noGrad = GradMode.NoGrad();
        var diff = MaxAbsDiff(model.Forward(oracle.Tensor("gray_input")), oracle.Tensor("resnet18_gray_logits"));
        Assert.True(diff <= 1e-4, $"max abs diff of logits {diff}");
    }

    [Fact]
    public void LegacyDenseNetKeysAreRenamed()
    {
        using var model = DenseNet.DenseNet121(numClasses: 4);
        using var scope = DisposeScope.Open();
        var report = PretrainedWeights.Load(model, Path.Combine(oracle.Directory, "densenet121_legacy.pt"));
        Assert.True(report.IsComplete, report.Describe());
        Assert.False(report.HeadReinitialised);
        // 58 dense layers x (norm1, conv1, norm2, conv2): 4 + 1 + 4 + 1 renamed entries each (no num_batches_tracked in the file).
        Assert.Equal(58 * 10, report.RenamedKeys);
        model.Eval();
        using var noGrad = GradMode.NoGrad();
        var diff = MaxAbsDiff(model.Forward(oracle.Tensor("input")), oracle.Tensor("densenet121_logits"));
        Assert.True(diff <= 1e-4, $"max abs diff of logits {diff}");
    }

    [Fact]
    public void DataParallelPrefixAndRequestedHeadReset()
    {
        using var source = new SmallCnn(numClasses: 3);
        using var target = new SmallCnn(numClasses: 3);
        using var scope = DisposeScope.Open();
        var prefixed = new OrderedDictionary<string, Tensor>();
        foreach (var (k, t) in source.StateDict()) prefixed["module." + k] = t;
        var report = PretrainedWeights.Load(target, prefixed, "in-memory", reinitialiseHead: true);
        Assert.Equal(prefixed.Count, report.RenamedKeys);
        Assert.True(report.HeadReinitialised);
        Assert.True(report.IsComplete);
        var (s, t2) = (source.StateDict(), target.StateDict());
        Assert.True(s["features.conv3.weight"].Equal(t2["features.conv3.weight"]));
        Assert.False(s["fc.weight"].Equal(t2["fc.weight"]));
    }
}
