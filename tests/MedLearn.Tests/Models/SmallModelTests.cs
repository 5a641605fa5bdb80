using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Models;

/// <summary>SmallCnn and the pre-activation ResNet trunk: shapes, parameter counts by hand formula, wiring.</summary>
public sealed class SmallModelTests
{
    [Fact]
    public void SmallCnnRegistryEntryAndParameterCount()
    {
        var info = ModelRegistry.Info("small-cnn");
        Assert.Equal(64, info.InputSize);
        Assert.Equal([0.5, 0.5, 0.5], info.Mean);
        Assert.Equal([0.5, 0.5, 0.5], info.Std);
        Assert.Null(info.DefaultWeightsFile);
        // conv3x3 3->16, 16->32, 32->64 (no bias), BN (2 per channel), fc 64->classes.
        static long Count(long inCh, long classes) =>
            9 * inCh * 16 + 9 * 16 * 32 + 9 * 32 * 64 + 2 * (16 + 32 + 64) + 64 * classes + classes;
        Assert.Equal(Count(3, 1000), info.ParameterCount);
        using var m1000 = ModelRegistry.Create("small-cnn", 1000);
        Assert.Equal(Count(3, 1000), m1000.ParameterCount());
        using var gray = ModelRegistry.Create("small-cnn", 2, inChannels: 1);
        Assert.Equal(Count(1, 2), gray.ParameterCount());
        Assert.Equal((1L, 2L, 64L), (gray.InChannels, gray.NumClasses, gray.FeatureDim));
        Assert.Equal(("fc", "features.conv1"), (gray.HeadName, gray.FirstConvName));
    }

    [Fact]
    public void SmallCnnForwardShapesAndBackwardWithoutLeaks()
    {
        using var model = new SmallCnn(numClasses: 3, inChannels: 1);
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            var (features, logits) = model.ForwardWithFeatures(torch.Randn([2, 1, 64, 64]));
            Assert.Equal([2, 64], features.Shape);
            Assert.Equal([2, 3], logits.Shape);
            logits.Sum().Backward();
            using var grad = ((Conv2d)model.GetSubmodule(model.FirstConvName)).Weight.Grad;
            Assert.True(grad!.Abs().Sum().ToDouble() > 0);
        }
        model.ZeroGrad();
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void ResNet22TrunkOutputShape()
    {
        using var trunk = PreActResNet.ResNet22Trunk(inChannels: 1);
        trunk.Eval();
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        Assert.Equal(256, trunk.OutChannels);
        // 64: conv 7/2 no pad -> 29, pool 3/2 no pad -> 14, stages (strides 1,2,2,2,2; 3x3 pad 1) -> 14, 7, 4, 2, 1.
        Assert.Equal([1, 256, 1, 1], trunk.Forward(torch.Randn([1, 1, 64, 64])).Shape);
        // 96x80: conv -> 45x37, pool -> 22x18, stages -> 22x18, 11x9, 6x5, 3x3, 2x2.
        Assert.Equal([2, 256, 2, 2], trunk.Forward(torch.Randn([2, 1, 96, 80])).Shape);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ResNet22TrunkParameterCountMatchesHandFormula(long inChannels)
    {
        using var trunk = PreActResNet.ResNet22Trunk(inChannels);
        long expected = 16 * inChannels * 7 * 7; // first_conv
        long[] channels = [16, 32, 64, 128, 256];
        long inplanes = 16;
        foreach (var p in channels)
        {
            // block 0: bn1(in), conv1 3x3 in->p, bn2(p), conv2 3x3 p->p, 1x1 shortcut in->p
            expected += 2 * inplanes + 9 * inplanes * p + 2 * p + 9 * p * p + inplanes * p;
            // block 1: bn1(p), conv1 p->p, bn2(p), conv2 p->p
            expected += 2 * p + 9 * p * p + 2 * p + 9 * p * p;
            inplanes = p;
        }
        expected += 2 * 256; // final_bn
        Assert.Equal(expected, trunk.ParameterCount());
    }

    [Fact]
    public void ResNet22TrunkUsesGmicNames()
    {
        using var trunk = PreActResNet.ResNet22Trunk();
        using var scope = DisposeScope.Open();
        var keys = trunk.StateDict().Keys.ToList();
        Assert.Equal("first_conv.weight", keys[0]);
        Assert.Equal(["layer_list.0.0.bn1.weight", "layer_list.0.0.bn1.bias", "layer_list.0.0.bn1.running_mean", "layer_list.0.0.bn1.running_var",
            "layer_list.0.0.bn1.num_batches_tracked", "layer_list.0.0.conv1.weight"], keys.Skip(1).Take(6));
        Assert.Contains("layer_list.4.0.downsample.0.weight", keys);
        Assert.DoesNotContain("layer_list.4.1.downsample.0.weight", keys);
        Assert.Equal("final_bn.num_batches_tracked", keys[^1]);
    }

    [Fact]
    public void PreActBlockShortcutReadsThePreActivatedInput()
    {
        // Recompute the block from its parameters with functional ops (eval mode, non-trivial BN statistics).
        using var scope = DisposeScope.Open();
        using var block = new PreActBasicBlock(4, 6, stride: 2, downsample: new Sequential(new Conv2d(4, 6, 1, stride: 2, bias: false)));
        using (GradMode.NoGrad())
            foreach (var (name, t) in block.NamedBuffers().Concat(block.NamedParameters()))
                if (t.DType == DType.Float32) t.CopyFrom(name.EndsWith("var", StringComparison.Ordinal) ? torch.Rand(t.Shape) + 0.5 : torch.Randn(t.Shape) * 0.5);
        block.Eval();
        using var noGrad = GradMode.NoGrad();
        var x = torch.Randn([2, 4, 9, 9]);
        Tensor Bn(string n, Tensor v)
        {
            var bn = (BatchNorm2d)block.GetSubmodule(n);
            return Functional.BatchNorm(v, bn.RunningMean, bn.RunningVar, bn.Weight, bn.Bias, training: false, momentum: 0.1, eps: bn.Eps);
        }
        Tensor W(string n) => ((Conv2d)block.GetSubmodule(n)).Weight;
        var a = Functional.Relu(Bn("bn1", x));
        var h = Functional.Conv2d(a, W("conv1"), null, [2], [1], [1], 1);
        h = Functional.Conv2d(Functional.Relu(Bn("bn2", h)), W("conv2"), null, [1], [1], [1], 1);
        var expected = h + Functional.Conv2d(a, W("downsample.0"), null, [2], [0], [1], 1);
        var actual = block.Forward(x);
        Assert.Equal([2, 6, 5, 5], actual.Shape);
        Assert.True((actual - expected).Abs().Max().ToDouble() <= 1e-5);
    }
}
