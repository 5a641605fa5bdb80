using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Serialization;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Models;

/// <summary>Conv/batch-norm folding and <see cref="InferenceModel"/>, on torchvision weights with calibrated batch norms.</summary>
[Collection(ModelOracle.Collection)]
public sealed class InferencePreparationTests(ModelOracle oracle)
{
    private ImageClassifier LoadOracleModel(string name)
    {
        var model = ModelRegistry.Create(name, 4);
        using var scope = DisposeScope.Open();
        model.LoadStateDict(StateDictFile.Load(oracle.StateDictPath(name)));
        model.Eval();
        return model;
    }

    private static long BatchNormChannels(Module m) => m.NamedModules().Select(x => x.Module).OfType<BatchNorm2d>().Sum(b => b.NumFeatures);

    [Theory]
    // ResNet-18: stem + 8 blocks x 2 + 3 downsamples = 20 pairs; every BN follows a conv (sum of BN channels 4800).
    [InlineData("resnet18", 20, 4800)]
    // ResNet-50: stem + 16 bottlenecks x 3 + 4 downsamples = 53 pairs;
    // BN channels 64 + sum over stages (blocks x 6 x planes + 4 x planes) = 64 + 1408 + 3584 + 10240 + 11264.
    [InlineData("resnet50", 53, 26_560)]
    // DenseNet-121 is pre-activation (BN before conv): only features.norm0 after features.conv0 folds.
    [InlineData("densenet121", 1, 64)]
    public void FoldedOutputEqualsUnfoldedEvalOutput(string name, int pairs, long foldedChannels)
    {
        using var model = LoadOracleModel(name);
        using var scope = DisposeScope.Open();
        var x = oracle.Tensor("input");
        Tensor before;
        using (GradMode.NoGrad()) before = model.Forward(x);
        var paramsBefore = model.ParameterCount();
        var bnBefore = BatchNormChannels(model);

        Assert.Equal(pairs, ConvBatchNormFolding.Fold(model));

        // Each folded pair drops 2C batch-norm parameters and adds a C-element conv bias.
        Assert.Equal(paramsBefore - foldedChannels, model.ParameterCount());
        Assert.Equal(bnBefore - foldedChannels, BatchNormChannels(model));
        Assert.All(model.NamedModules(), m => Assert.False(m.Module.Training, m.Name));
        Tensor after;
        using (GradMode.NoGrad()) after = model.Forward(x);
        var diff = (after - before).Abs().Max().ToDouble();
        Assert.True(diff <= 1e-4, $"{name}: max abs diff folded vs unfolded {diff}");
        var oracleDiff = (after - oracle.Tensor(name + "_logits")).Abs().Max().ToDouble();
        Assert.True(oracleDiff <= 1e-4, $"{name}: max abs diff folded vs torchvision {oracleDiff}");
        Assert.Equal(0, ConvBatchNormFolding.Fold(model)); // nothing left to fold
    }

    [Fact]
    public void FoldingAModelInTrainingModeThrows()
    {
        using var model = ResNet.ResNet18(numClasses: 4);
        var e = Assert.Throws<InvalidOperationException>(() => ConvBatchNormFolding.Fold(model));
        Assert.Contains("Eval()", e.Message, StringComparison.Ordinal);
        model.Eval();
        model.GetSubmodule("layer2.1.bn1").Train();
        e = Assert.Throws<InvalidOperationException>(() => ConvBatchNormFolding.Fold(model));
        Assert.Contains("layer2.1.bn1", e.Message, StringComparison.Ordinal);
        Assert.IsType<BatchNorm2d>(model.GetSubmodule("bn1")); // unchanged
    }

    [Fact]
    public void SmallModelsFoldWhereABatchNormFollowsAConvolution()
    {
        using var scope = DisposeScope.Open();
        using var cnn = new SmallCnn(numClasses: 2);
        cnn.Eval();
        Assert.Equal(3, ConvBatchNormFolding.Fold(cnn));
        Assert.DoesNotContain(cnn.NamedModules(), m => m.Module is BatchNorm2d);
        Assert.IsType<Identity>(cnn.GetSubmodule("features.bn2"));
        Assert.NotNull(((Conv2d)cnn.GetSubmodule("features.conv2")).Bias);

        // Pre-activation trunk: only conv1 -> bn2 inside each of its 10 blocks; bn1 and final_bn stay.
        using var trunk = PreActResNet.ResNet22Trunk();
        using (GradMode.NoGrad())
            foreach (var b in trunk.NamedModules().Select(m => m.Module).OfType<BatchNorm2d>())
            {
                b.RunningMean!.CopyFrom(torch.Randn(b.RunningMean.Shape) * 0.1);
                b.RunningVar!.CopyFrom(torch.Rand(b.RunningVar.Shape) + 0.5);
                b.Weight!.CopyFrom(torch.Rand(b.Weight.Shape) + 0.5);
            }
        trunk.Eval();
        var x = torch.Randn([1, 1, 64, 64]);
        Tensor before;
        using (GradMode.NoGrad()) before = trunk.Forward(x);
        Assert.Equal(10, ConvBatchNormFolding.Fold(trunk));
        Assert.Equal(11, trunk.NamedModules().Count(m => m.Module is BatchNorm2d));
        Tensor after;
        using (GradMode.NoGrad()) after = trunk.Forward(x);
        Assert.True((after - before).Abs().Max().ToDouble() <= 1e-4);
    }

    [Fact]
    public void FoldingKeepsTheRandomGeneratorAndChannelsLastLayout()
    {
        using var scope = DisposeScope.Open();
        using var model = ResNet.ResNet18(numClasses: 2);
        model.Eval();
        model.To(MemoryFormat.ChannelsLast);
        torch.ManualSeed(7);
        ConvBatchNormFolding.Fold(model);
        var next = torch.Rand([4]);
        torch.ManualSeed(7);
        Assert.True(next.Equal(torch.Rand([4])));
        var w = ((Conv2d)model.GetSubmodule("layer1.0.conv1")).Weight;
        Assert.True(w.IsContiguous(MemoryFormat.ChannelsLast) && !w.IsContiguous());
    }

    [Fact]
    public void Fp32InferenceModelEqualsUnfoldedEval()
    {
        using var reference = LoadOracleModel("resnet18");
        var baseline = LeakCheck.Baseline();
        using (var inference = InferenceModel.Prepare(LoadOracleModel("resnet18"), Precision.Fp32))
        {
            using var scope = DisposeScope.Open();
            Assert.Equal(20, inference.FoldedPairs);
            Assert.Null(inference.WeightDType);
            Assert.Equal(MemoryFormat.ChannelsLast, inference.Plan.MemoryFormat);
            var x = torch.Randn([2, 3, 64, 64]);
            var y = inference.Forward(x);
            Tensor expected;
            using (GradMode.NoGrad()) expected = reference.Forward(x);
            Assert.Equal(DType.Float32, y.DType);
            var diff = (y - expected).Abs().Max().ToDouble();
            Assert.True(diff <= 1e-4, $"max abs diff {diff}");
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void Bf16InferenceModelMatchesBf16AutocastOfTheFoldedModel()
    {
        // bfloat16 weights are the computation autocast performs (weights and inputs of every conv/linear rounded to
        // bfloat16, bfloat16 outputs), done once instead of per forward pass. The inference model runs channels-last, so
        // the reference is autocast in channels-last too: oneDNN's NCHW bf16 kernels are another computation on CPUs
        // without AMX (AMD EPYC Zen 5, PyTorch 1.13: NCHW autocast 4.2% of the logit scale from fp32, channels-last 0.6%).
        using var autocastModel = LoadOracleModel("resnet18");
        ConvBatchNormFolding.Fold(autocastModel);
        autocastModel.To(MemoryFormat.ChannelsLast);
        using var inference = InferenceModel.Prepare(LoadOracleModel("resnet18"), Precision.Bf16);
        using var scope = DisposeScope.Open();
        Assert.Equal(DType.BFloat16, inference.WeightDType);
        var x = oracle.Tensor("input");
        var y = inference.Forward(x);
        Tensor expected;
        using (GradMode.NoGrad())
        using (Autocast.Enable(Device.CPU, DType.BFloat16))
            expected = autocastModel.Forward(x.Contiguous(MemoryFormat.ChannelsLast)).To(DType.Float32);
        var diff = (y - expected).Abs().Max().ToDouble();
        var scale = expected.Abs().Max().ToDouble();
        Assert.True(diff <= 1e-3 * scale, $"max abs diff {diff} (logit scale {scale})"); // identical on the development machine
        var fp32Diff = (y - oracle.Tensor("resnet18_logits")).Abs().Max().ToDouble();
        Assert.True(fp32Diff <= 0.1 * scale, $"bf16 vs torchvision fp32: max abs diff {fp32Diff} (logit scale {scale})");
    }

    [Fact]
    public void Bf16InferenceRunsTheUnfoldedBatchNormsOfADenseNet()
    {
        // DenseNet keeps all but one batch norm (pre-activation), which then run on bfloat16 inputs and weights.
        using var reference = LoadOracleModel("densenet121");
        using var inference = InferenceModel.Prepare(LoadOracleModel("densenet121"), Precision.Bf16);
        using var scope = DisposeScope.Open();
        Assert.Equal(1, inference.FoldedPairs);
        var x = oracle.Tensor("input");
        var y = inference.Forward(x);
        Tensor expected;
        using (GradMode.NoGrad()) expected = reference.Forward(x);
        var scale = expected.Abs().Max().ToDouble();
        var diff = (y - expected).Abs().Max().ToDouble();
        Assert.True(diff <= 0.1 * scale, $"bf16 vs fp32: max abs diff {diff} (logit scale {scale})");
    }
}
