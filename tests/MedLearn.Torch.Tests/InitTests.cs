using MedLearn.Torch.Nn;

namespace MedLearn.Torch.Tests;

public class InitTests
{
    private static Golden G => NnGolden.G;

    private static void AssertExact(string golden, Tensor actual)
    {
        using var expected = G.Tensor(golden);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.ToArray<float>(), actual.Detach().ToArray<float>());
    }

    [Fact]
    public void SeededLayersHaveBitIdenticalWeightsToTorchNn()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(42);
        // Constructed in the same order as gen_nn.py, so the draws from the default generator line up.
        var layers = new (string Name, Module Layer)[]
        {
            ("linear", new Linear(5, 3)),
            ("linear_nobias", new Linear(4, 2, bias: false)),
            ("conv1d", new Conv1d(2, 3, 5, bias: false)),
            ("conv2d", new Conv2d(3, 4, 3)),
            ("conv2d_groups", new Conv2d(4, 6, [3, 2], groups: 2)),
            ("conv3d", new Conv3d(2, 3, [3, 2, 1])),
            ("convt2d", new ConvTranspose2d(4, 2, 3, stride: 2)),
            ("convt3d", new ConvTranspose3d(2, 4, 2, stride: 2, groups: 2)),
        };
        try
        {
            foreach (var (name, layer) in layers)
                foreach (var (key, value) in layer.StateDict())
                    AssertExact($"init.{name}.{key}", value);
        }
        finally
        {
            foreach (var (_, layer) in layers) layer.Dispose();
        }
    }

    [Fact]
    public void InitFunctionsReproduceTorchNnInit()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(7);
        AssertExact("init.kaiming_normal", Init.KaimingNormal_(torch.Empty([4, 6]), mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu));
        AssertExact("init.kaiming_uniform", Init.KaimingUniform_(torch.Empty([3, 2, 3, 3]), a: 0.1));
        AssertExact("init.xavier_uniform", Init.XavierUniform_(torch.Empty([5, 7]), gain: Init.CalculateGain(Nonlinearity.Tanh)));
        AssertExact("init.xavier_normal", Init.XavierNormal_(torch.Empty([5, 2, 3]), gain: 0.5));
        var t = Init.TruncNormal_(torch.Empty([6, 5]), mean: 0.5, std: 1.0, a: -1.0, b: 1.5);
        using var expected = G.Tensor("init.trunc_normal");
        TensorAssert.Close(expected, t, 1e-6, 1e-6);
        Assert.All(t.ToArray<float>(), v => Assert.InRange(v, -1f, 1.5f));
    }

    [Fact]
    public void CalculateGainMatchesPyTorch()
    {
        var expected = G.RawValue("init.gains").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var actual = new[]
        {
            Init.CalculateGain(Nonlinearity.Linear), Init.CalculateGain(Nonlinearity.Sigmoid), Init.CalculateGain(Nonlinearity.Tanh),
            Init.CalculateGain(Nonlinearity.Relu), Init.CalculateGain(Nonlinearity.LeakyRelu), Init.CalculateGain(Nonlinearity.LeakyRelu, 0.2),
            Init.CalculateGain(Nonlinearity.Selu), Init.CalculateGain(Nonlinearity.Conv2d),
        };
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void FanInAndFanOutFollowTheWeightLayout()
    {
        using var scope = DisposeScope.Open();
        Assert.Equal((3L * 5 * 7, 4L * 5 * 7), Init.CalculateFanInAndFanOut(torch.Empty([4, 3, 5, 7])));
        Assert.Equal((6L, 2L), Init.CalculateFanInAndFanOut(torch.Empty([2, 6])));
        Assert.Throws<ArgumentException>(() => Init.CalculateFanInAndFanOut(torch.Empty([5])));
    }

    [Fact]
    public void ConstantFillsWorkOnParametersWithoutRecordingGradients()
    {
        using var scope = DisposeScope.Open();
        var p = torch.Empty([2, 3]).RequiresGrad_();
        Assert.All(Init.Zeros_(p).ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.All(Init.Ones_(p).ToArray<float>(), v => Assert.Equal(1f, v));
        Assert.All(Init.Constant_(p, 0.25).ToArray<float>(), v => Assert.Equal(0.25f, v));
        Assert.True(p.IsLeaf);
    }

    [Fact]
    public void ExplicitGeneratorGivesReproducibleDraws()
    {
        using var scope = DisposeScope.Open();
        using var g1 = new Generator(5);
        using var g2 = new Generator(5);
        var a = Init.KaimingUniform_(torch.Empty([3, 4]), generator: g1).ToArray<float>();
        var b = Init.KaimingUniform_(torch.Empty([3, 4]), generator: g2).ToArray<float>();
        Assert.Equal(a, b);
        var bound = 1 / Math.Sqrt(4) * Math.Sqrt(3) * Math.Sqrt(2);
        Assert.All(a, v => Assert.InRange(v, -bound, bound));
    }
}
