using MedLearn.Data.Loading;
using MedLearn.Methods.Supervised;
using MedLearn.Models;
using MedLearn.Models.Inception;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;
using MedLearn.Training;

namespace MedLearn.Tests.Models;

/// <summary>The CNN zoo without the oracle: registry metadata, name suggestions, the new activations, Grad-CAM layers, Inception's auxiliary loss.</summary>
public sealed class ZooCnnUnitTests
{
    [Theory]
    [InlineData("efficientnet_b0", 224, 256, "bicubic", "classifier.1", "features.0.0", 1280)]
    [InlineData("efficientnet_b1", 240, 255, "bilinear", "classifier.1", "features.0.0", 1280)]
    [InlineData("efficientnet_b2", 288, 288, "bicubic", "classifier.1", "features.0.0", 1408)]
    [InlineData("efficientnet_b3", 300, 320, "bicubic", "classifier.1", "features.0.0", 1536)]
    [InlineData("efficientnet_b4", 380, 384, "bicubic", "classifier.1", "features.0.0", 1792)]
    [InlineData("efficientnet_v2_s", 384, 384, "bilinear", "classifier.1", "features.0.0", 1280)]
    [InlineData("mobilenet_v3_large", 224, 232, "bilinear", "classifier.3", "features.0.0", 1280)]
    [InlineData("regnet_y_400mf", 224, 232, "bilinear", "fc", "stem.0", 440)]
    [InlineData("inception_v3", 299, 342, "bilinear", "fc", "Conv2d_1a_3x3.conv", 2048)]
    public void RegistryMetadataDescribesTheModel(string name, int input, int resize, string interpolation, string head, string firstConv, long featureDim)
    {
        var info = ModelRegistry.Info(name);
        Assert.Equal((input, resize, interpolation), (info.InputSize, info.ResizeSize, info.Interpolation));
        Assert.Equal([0.485, 0.456, 0.406], info.Mean);
        Assert.Equal([0.229, 0.224, 0.225], info.Std);
        Assert.Equal((head, firstConv, featureDim), (info.HeadName, info.FirstConvName, info.FeatureDim));
        Assert.EndsWith(".pth", info.DefaultWeightsFile, StringComparison.Ordinal);
        using var scope = DisposeScope.Open();
        using var model = ModelRegistry.Create(name, 3, inChannels: 2);
        Assert.Equal((head, firstConv, featureDim), (model.HeadName, model.FirstConvName, model.FeatureDim));
        Assert.Equal(2, model.InChannels);
        Assert.Equal(3, model.NumClasses);
    }

    [Theory]
    [InlineData("resnet-18", "resnet18")]
    [InlineData("ResNet_50", "resnet50")]
    [InlineData("efficientnetb0", "efficientnet_b0")]
    [InlineData("efficientnet-b3", "efficientnet_b3")]
    [InlineData("mobilenetv3_large", "mobilenet_v3_large")]
    [InlineData("inceptionv3", "inception_v3")]
    [InlineData("densenet-12", "densenet121")]
    public void UnknownNamesSuggestTheClosestKnownOne(string typed, string suggested)
    {
        var e = Assert.Throws<ArgumentException>(() => ModelRegistry.Create(typed, 2));
        Assert.Contains($"did you mean '{suggested}'?", e.Message, StringComparison.Ordinal);
        Assert.Contains("efficientnet_b0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainClassifyValidationSuggestsTheModelName()
    {
        var e = Assert.Throws<ArgumentException>(() => ClassificationSetup.Validate(new ClassificationTrainingOptions { Data = "x", Model = "resnet-18" }));
        Assert.StartsWith("model: unknown architecture 'resnet-18' (did you mean 'resnet18'?); known: resnet18", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vgg16")]
    [InlineData("alexnet")]
    public void FarNamesGetNoSuggestion(string typed)
    {
        var e = Assert.Throws<ArgumentException>(() => ModelRegistry.Info(typed));
        Assert.DoesNotContain("did you mean", e.Message, StringComparison.Ordinal);
        Assert.Contains("known: resnet18", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LevenshteinCountsEdits()
    {
        Assert.Equal(0, NameSuggestion.Levenshtein("abc", "abc"));
        Assert.Equal(3, NameSuggestion.Levenshtein("kitten", "sitting"));
        Assert.Equal(4, NameSuggestion.Levenshtein("", "abcd"));
    }

    [Fact]
    public void HardActivationsFollowTheirFormulas()
    {
        using var scope = DisposeScope.Open();
        var x = torch.FromArray([-5f, -3f, -1.5f, 0f, 1f, 3f, 4f], 7);
        var relu6 = Functional.Hardtanh(x + 3, 0, 6);
        Assert.True((Functional.Hardswish(x) - x * relu6 / 6).Abs().Max().ToDouble() <= 1e-6);
        Assert.True((Functional.Hardsigmoid(x) - relu6 / 6).Abs().Max().ToDouble() <= 1e-6);
        Assert.Equal([0f, 0f, 0.25f, 0.5f, 4f / 6, 1f, 1f], Functional.Hardsigmoid(x).ToArray<float>());
        var y = x.Clone();
        Functional.Hardswish_(y);
        Assert.True(y.Equal(Functional.Hardswish(x)));
    }

    [Fact]
    public void StochasticDepthDropsWholeSamplesAndRescalesTheKeptOnes()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(3);
        var x = torch.Ones(4000, 2, 3, 3);
        var y = Functional.StochasticDepth(x, 0.25, training: true);
        var perSample = y.Flatten(1);
        var min = perSample.Amin([1]);
        var max = perSample.Amax([1]);
        Assert.True(min.Equal(max)); // a whole sample is kept or dropped
        var kept = max.Gt(0).To(DType.Float32);
        Assert.True((max - kept / 0.75).Abs().Max().ToDouble() <= 1e-6); // kept ones scaled by 1/(1-p)
        Assert.InRange(kept.Mean().ToDouble(), 0.73, 0.77); // binomial(4000, 0.75): sd 0.007
        Assert.True(Functional.StochasticDepth(x, 0.25, training: false).Equal(x));
        Assert.Equal(0, Functional.StochasticDepth(x, 1, training: true).Abs().Sum().ToDouble());
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.StochasticDepth(x, 1.5, training: true));
    }

    [Theory]
    [InlineData("efficientnet_b0", "features.8", 64)]
    [InlineData("efficientnet_v2_s", "features.7", 64)]
    [InlineData("mobilenet_v3_large", "features.16", 64)]
    [InlineData("regnet_y_400mf", "trunk_output.block4", 64)]
    [InlineData("inception_v3", "Mixed_7c", 80)]
    public void LastActivationIsTheFinalFeatureMapForGradCam(string name, string last, long size)
    {
        using var scope = DisposeScope.Open();
        using var model = ModelRegistry.Create(name, 3);
        model.Eval();
        Assert.Equal(last, model.ActivationNames[^1]);
        var x = torch.Randn(1, 3, size, size);
        var outputs = model.ForwardWithActivations(x, [last, model.ActivationNames[0]]);
        Tensor plain;
        using (GradMode.NoGrad()) plain = model.Forward(x);
        Assert.True((outputs.Output - plain).Abs().Max().ToDouble() <= 1e-5);
        var map = outputs.Activations[last];
        Assert.Equal(4, map.Dim);
        // Grad-CAM's gradient reaches the recorded map.
        var grad = torch.Autograd.Grad(outputs.Output.Select(1, 0).Sum(), map)!;
        Assert.Equal(map.Shape, grad.Shape);
        Assert.True(grad.Abs().Sum().ToDouble() > 0);
    }

    [Fact]
    public void ReplaceHeadReplacesNestedAndAuxiliaryHeads()
    {
        using var scope = DisposeScope.Open();
        using var efficientnet = ModelRegistry.Create("efficientnet_b0", 1000);
        efficientnet.ReplaceHead(5);
        efficientnet.Eval();
        using (GradMode.NoGrad()) Assert.Equal([2, 5], efficientnet.Forward(torch.Randn(2, 3, 32, 32)).Shape);
        Assert.Equal([5, 1280], efficientnet.StateDict()["classifier.1.weight"].Shape);

        using var inception = new Inception3(1000);
        inception.ReplaceHead(5);
        Assert.Equal([5, 2048], inception.StateDict()["fc.weight"].Shape);
        Assert.Equal([5, 768], inception.StateDict()["AuxLogits.fc.weight"].Shape);
    }

    [Fact]
    public void InceptionTrainsItsAuxiliaryHeadWithWeightPointFour()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(5);
        using var model = new Inception3(3, dropout: 0);
        model.Train();
        // Batch 2: the auxiliary head's last batch norm sees a 1x1 map, so training needs more than one image.
        var x = torch.Randn(2, 3, 299, 299);
        var labels = torch.FromArray([2L, 0L], 2);
        var task = new SupervisedClassificationTask(model, 3);
        task.Prepare(new TrainingContext(PrecisionPlan.Resolve(Precision.Fp32, Device.CPU), 0, 1));
        // Batch norms in training mode use batch statistics: both passes see the same input, so they are identical.
        var output = task.TrainStep(new Batch([x], [null], labels, [0, 1], ["a", "b"], [2], 0, 0), new StepInfo(0, 0, 1, 0, 1));
        var (logits, aux) = model.ForwardWithAuxiliary(x);
        var expected = Functional.CrossEntropy(logits, labels) + 0.4 * Functional.CrossEntropy(aux!, labels);
        Assert.True(Math.Abs(output.Loss.ToDouble() - expected.ToDouble()) <= 1e-5);
        Assert.True(Math.Abs(output.Loss.ToDouble() - Functional.CrossEntropy(logits, labels).ToDouble()) > 1e-3);
        model.Eval();
        var (_, none) = model.ForwardWithAuxiliary(torch.Randn(1, 3, 80, 80));
        Assert.Null(none);
    }
}
