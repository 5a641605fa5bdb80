using MedLearn.Torch.Tests;
using MedLearn.Models;
using MedLearn.Profiling;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Profiler;
using F = MedLearn.Torch.Nn.Functional;

namespace MedLearn.Tests.Profiling;

/// <summary>
/// The batch-1 oneDNN route of <see cref="Conv2d"/> (found by profiling EfficientNet-B0): which convolutions take it,
/// seen through libtorch's profiler, and that outputs stay those of libtorch's own path within 1e-4.
/// </summary>
public class OneDnnConvolutionRouteTests
{
    private static Dictionary<string, long> Calls(Action body)
    {
        using var session = ProfilerSession.Start();
        body();
        return OpAggregation.KeyAverages(session.Stop()).ToDictionary(o => o.Name, o => o.Calls);
    }

    private static T WithTwoThreads<T>(Func<T> body)
    {
        var before = torch.ThreadNumThreads;
        torch.SetThreadNumThreads(2);
        try { return body(); }
        finally { torch.SetThreadNumThreads(before); }
    }

    [Fact]
    public void SmallBatchOneConvolutionsRunOnOneDnnInInferenceWithLibtorchsResult() => WithTwoThreads(() =>
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(3);
        using var expand = new Conv2d(192, 1152, 1);
        using var squeeze = new Conv2d(1152, 48, 1);
        var x = torch.Randn(1, 192, 7, 7).Contiguous(MemoryFormat.ChannelsLast);
        var pooled = torch.Randn(1, 1152, 1, 1);
        Tensor routed = null!, reference = null!;
        using (GradMode.InferenceMode())
        {
            var inference = Calls(() => routed = expand.Forward(x));
            // 192·1152·49 = 10.8M multiply-adds on a 7x7 map, N·C·H·W = 9408 <= 20480: libtorch alone takes im2col + BLAS.
            Assert.Equal(1, inference.GetValueOrDefault("aten::mkldnn_convolution"));
            Assert.False(inference.ContainsKey("aten::_slow_conv2d_forward"));
            var library = Calls(() => reference = F.Conv2d(x, expand.Weight, expand.Bias));
            Assert.Equal(1, library.GetValueOrDefault("aten::_slow_conv2d_forward"));
            // A squeeze-excitation 1x1 on a 1x1 map stays on libtorch's path (there it is the fast one).
            var se = Calls(() => squeeze.Forward(pooled));
            Assert.Equal(1, se.GetValueOrDefault("aten::_slow_conv2d_forward"));
            Assert.False(se.ContainsKey("aten::mkldnn_convolution"));
        }
        var diff = (routed - reference).Abs().Max().ToDouble();
        Assert.True(diff <= 1e-4, $"max abs diff {diff}");
        Assert.True(routed.IsContiguous(MemoryFormat.ChannelsLast));
        // With gradients on (training), libtorch keeps its own choice and autograd formula.
        var training = Calls(() => expand.Forward(x));
        Assert.Equal(1, training.GetValueOrDefault("aten::_slow_conv2d_forward"));
        return 0;
    });

    [Fact]
    public void EfficientNetB0InferenceModelMatchesFp32EagerAndRoutesItsFiveLargeSmallMapConvolutions() => WithTwoThreads(() =>
    {
        var baseline = LeakCheck.Baseline();
        torch.ManualSeed(0);
        using (var reference = ModelRegistry.Create("efficientnet_b0", 10))
        using (var scope = DisposeScope.Open())
        {
            reference.Eval();
            var x = torch.Randn(1, 3, 224, 224);
            // Gradients on: every convolution takes libtorch's own path (the eager fp32 reference).
            var expected = reference.Forward(x).Detach();
            var copy = ModelRegistry.Create("efficientnet_b0", 10);
            copy.LoadStateDict(reference.StateDict());
            using var inference = InferenceModel.Prepare(copy, Precision.Fp32);
            Tensor actual = null!;
            var calls = Calls(() => actual = inference.Forward(x));
            var diff = (actual - expected).Abs().Max().ToDouble();
            Assert.True(diff <= 1e-4, $"max abs diff {diff}");
            // 81 convolutions: 40 would take im2col + BLAS at batch 1; the 4 (192->1152, 7x7) and 1 (320->1280, 7x7) expansions
            // now run on oneDNN; the 32 squeeze-excitation convolutions (1x1 maps) and 3 (80->480, 14x14: 7.5M < 8M
            // multiply-adds) stay.
            Assert.Equal(35, calls.GetValueOrDefault("aten::_slow_conv2d_forward"));
            Assert.Equal(46, calls.GetValueOrDefault("aten::mkldnn_convolution"));
        }
        Assert.Equal(baseline, LiveTensors.Count);
        return 0;
    });
}

/// <summary>Regressions found with the profiler in the ResNet-50 training-step profile.</summary>
public class ProfiledTrainingRegressionTests
{
    [Fact]
    public void BatchNormTrainingStepCountsBatchesWithoutReadingTheCounterBack()
    {
        using var scope = DisposeScope.Open();
        using var bn = new BatchNorm2d(3);
        bn.Train();
        var x = torch.Randn(4, 3, 5, 5);
        IReadOnlyList<OpStatistics> ops;
        using (var session = ProfilerSession.Start())
        {
            bn.Forward(x);
            ops = OpAggregation.KeyAverages(session.Stop());
        }
        // PyTorch adds 1 in place and reads the counter only for a cumulative average (momentum None); an aten::item
        // per layer and step was a synchronisation point (a device sync on CUDA).
        Assert.DoesNotContain(ops, o => o.Name == "aten::item");
        bn.Forward(x);
        Assert.Equal(2, bn.NumBatchesTracked!.ToInt64());

        using var cumulative = new BatchNorm2d(3, momentum: null);
        cumulative.Train();
        var a = torch.Randn(4, 3, 5, 5);
        var b = torch.Randn(4, 3, 5, 5) * 3 + 1;
        cumulative.Forward(a);
        cumulative.Forward(b);
        // momentum None: running mean = the plain average of the two batch means (factor 1/n).
        var expected = (a.Mean([0, 2, 3]) + b.Mean([0, 2, 3])) / 2;
        Assert.True((cumulative.RunningMean! - expected).Abs().Max().ToDouble() < 1e-5);
    }
}
