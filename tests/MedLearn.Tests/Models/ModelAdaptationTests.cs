using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Tests.Models;

/// <summary>Registry metadata, head replacement, 1-channel adaptation and freezing (no oracle needed).</summary>
public sealed class ModelAdaptationTests
{
    [Theory]
    [InlineData("resnet18", "fc", "conv1", 512)]
    [InlineData("resnet34", "fc", "conv1", 512)]
    [InlineData("resnet50", "fc", "conv1", 2048)]
    [InlineData("densenet121", "classifier", "features.conv0", 1024)]
    public void RegistryMetadataDescribesTheModel(string name, string head, string firstConv, long featureDim)
    {
        var info = ModelRegistry.Info(name);
        Assert.Equal(name, info.Name);
        Assert.Equal(224, info.InputSize);
        Assert.Equal([0.485, 0.456, 0.406], info.Mean);
        Assert.Equal([0.229, 0.224, 0.225], info.Std);
        Assert.Equal((head, firstConv, featureDim), (info.HeadName, info.FirstConvName, info.FeatureDim));
        using var model = ModelRegistry.Create(name, 3, inChannels: 1);
        Assert.Equal((head, firstConv, featureDim), (model.HeadName, model.FirstConvName, model.FeatureDim));
        Assert.Equal(1, model.InChannels);
        Assert.Equal(3, model.NumClasses);
        Assert.Contains(name, ModelRegistry.Names);
    }

    [Fact]
    public void UnknownNameListsTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelRegistry.Create("vgg16", 2));
        Assert.Contains("resnet18", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("densenet121")]
    public void ReplaceHeadChangesOnlyTheHeadShape(string name)
    {
        using var scope = DisposeScope.Open();
        using var model = ModelRegistry.Create(name, 1000);
        var before = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        model.ReplaceHead(7);
        var after = model.StateDict();
        Assert.Equal(before.Keys, after.Keys);
        foreach (var (key, t) in after)
        {
            if (key.StartsWith(model.HeadName + ".", StringComparison.Ordinal))
            {
                Assert.Equal(key.EndsWith(".weight", StringComparison.Ordinal) ? [7, model.FeatureDim] : new long[] { 7 }, t.Shape);
                continue;
            }
            Assert.True(before[key].Equal(t), key);
        }
        Assert.Equal(7, model.NumClasses);
        model.Eval();
        using var noGrad = GradMode.NoGrad();
        Assert.Equal([2, 7], model.Forward(torch.Randn([2, 3, 32, 32])).Shape);
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("densenet121")]
    public void OneChannelAdaptationSumsTheRgbFilters(string name)
    {
        using var scope = DisposeScope.Open();
        using var rgb = ModelRegistry.Create(name, 4);
        using var gray = ModelRegistry.Create(name, 4, inChannels: 1);
        var sd = rgb.StateDict();
        gray.LoadStateDictAdapted(sd);
        var w3 = (Conv2d)rgb.GetSubmodule(rgb.FirstConvName);
        var w1 = (Conv2d)gray.GetSubmodule(gray.FirstConvName);
        Assert.Equal([64, 1, 7, 7], w1.Weight.Shape);
        var expected = w3.Weight.Select(1, 0) + w3.Weight.Select(1, 1) + w3.Weight.Select(1, 2);
        Assert.True((w1.Weight.Select(1, 0) - expected).Abs().Max().ToDouble() <= 1e-6);

        // Analytic consequence: a gray image x through the adapted model equals (x, x, x) through the RGB one.
        rgb.Eval();
        gray.Eval();
        using var noGrad = GradMode.NoGrad();
        var x = torch.Randn([2, 1, 32, 32]);
        var diff = (gray.Forward(x) - rgb.Forward(x.Expand(2, 3, 32, 32).Contiguous())).Abs().Max().ToDouble();
        Assert.True(diff <= 1e-4, $"max abs diff {diff}");
    }

    [Fact]
    public void SumInputChannelsIsTheChannelSum()
    {
        using var scope = DisposeScope.Open();
        var w = torch.FromSpan<float>([1, 2, 3, 10, 20, 30], [2, 3, 1, 1]);
        Assert.Equal([6.0, 60.0], ModelWeights.SumInputChannels(w).Flatten().ToArray<float>().Select(v => (double)v));
    }

    [Fact]
    public void FreezeAndUnfreezeByGlobPattern()
    {
        using var scope = DisposeScope.Open();
        using var model = ModelRegistry.Create("resnet18", 4);
        var total = model.NamedParameters().Count();
        Assert.Equal(total, model.Freeze("*"));
        Assert.Equal(0, model.ParameterCount(trainableOnly: true));
        Assert.Equal(2, model.Unfreeze("fc.*"));
        Assert.Equal(512 * 4 + 4, model.ParameterCount(trainableOnly: true));
        Assert.Equal(8, model.Unfreeze("layer4.?.bn?.*")); // 2 blocks x (bn1, bn2) x (weight, bias)
        Assert.All(model.NamedParameters(), p =>
            Assert.Equal(p.Name.StartsWith("fc.", StringComparison.Ordinal) || (p.Name.StartsWith("layer4.", StringComparison.Ordinal) && p.Name.Contains(".bn", StringComparison.Ordinal)), p.Parameter.RequiresGrad));
        Assert.True(ParameterFreezing.Matches("layer1.0.conv1.weight", "layer1.*"));
        Assert.False(ParameterFreezing.Matches("layer10.weight", "layer1.*"));
    }
}

/// <summary>Training-mode forward/backward and tensor lifetime of the classifiers.</summary>
public sealed class ModelTrainingTests
{
    [Theory]
    [InlineData("resnet18")]
    [InlineData("densenet121")]
    public void BackwardReachesTheFirstConvAndLeaksNothing(string name)
    {
        using var model = ModelRegistry.Create(name, 3, inChannels: 1);
        var baseline = MedLearn.Torch.Tests.LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            var (features, logits) = model.ForwardWithFeatures(torch.Randn([2, 1, 32, 32]));
            Assert.Equal([2, model.FeatureDim], features.Shape);
            logits.Sum().Backward();
            var grad = ((Conv2d)model.GetSubmodule(model.FirstConvName)).Weight.Grad;
            Assert.NotNull(grad);
            Assert.True(grad!.Abs().Sum().ToDouble() > 0);
            grad.Dispose();
        }
        model.ZeroGrad();
        Assert.Equal(baseline, LiveTensors.Count);
    }
}
