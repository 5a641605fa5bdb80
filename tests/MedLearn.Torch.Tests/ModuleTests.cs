using MedLearn.Torch.Nn;
using F = MedLearn.Torch.Nn.Functional;

namespace MedLearn.Torch.Tests;

public class ModuleTests
{
    private static Golden G => NnGolden.G;

    private static string[] Strings(string value) => G.RawValue(value).EnumerateArray().Select(e => e.GetString()!).ToArray();

    /// <summary>The SmallNet of gen_nn.py, rebuilt from our layers.</summary>
    private sealed class SmallNet : Module<Tensor, Tensor>
    {
        public SmallNet()
        {
            Features = RegisterModule("features", new Sequential(new Conv2d(3, 4, 3), new BatchNorm2d(4), new ReLU(),
                new Sequential(new Conv2d(4, 4, 1, bias: false), new GroupNorm(2, 4))));
            Heads = RegisterModule("heads", new ModuleList(new Linear(4, 2), new Linear(4, 3)));
            RegisterModule("norm", new LayerNorm(4));
            RegisterModule("inorm", new InstanceNorm2d(4, affine: true, trackRunningStats: true));
            Fc = RegisterModule("fc", new Linear(4, 2));
        }

        public Sequential Features { get; }
        public ModuleList Heads { get; }
        public Linear Fc { get; }

        public override Tensor Forward(Tensor input) => Fc.Forward(F.Flatten(F.AdaptiveAvgPool2d(Features.Forward(input), [1]), 1));
    }

    private static Sequential Cnn() => new(
        new Conv2d(3, 4, 3, padding: 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
        new Conv2d(4, 6, 3), new BatchNorm2d(6), new ReLU(), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(6, 5));

    [Fact]
    public void StateDictKeysAndOrderMatchPyTorch()
    {
        using var scope = DisposeScope.Open();
        using var net = new SmallNet();
        Assert.Equal(Strings("smallnet.keys"), net.StateDict().Keys.ToArray());
        Assert.Equal(Strings("smallnet.param_names"), net.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal((long)G.Value("smallnet.param_count"), net.ParameterCount());
        Assert.Equal(DType.Int64, net.StateDict()["features.1.num_batches_tracked"].DType);
    }

    [Fact]
    public void ParameterCountCanCountTrainableOnly()
    {
        using var scope = DisposeScope.Open();
        using var lin = new Linear(4, 3);
        Assert.Equal(15, lin.ParameterCount());
        lin.Bias!.RequiresGrad = false;
        Assert.Equal(12, lin.ParameterCount(trainableOnly: true));
    }

    private static Dictionary<string, Tensor> ZerosLike(Module m) =>
        m.StateDict().ToDictionary(kv => kv.Key, kv => torch.ZerosLike(kv.Value));

    [Fact]
    public void StrictLoadStateDictErrorsLeaveTheModelUnchanged()
    {
        using var scope = DisposeScope.Open();
        using var net = new SmallNet();
        var before = net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());

        var missing = ZerosLike(net);
        missing.Remove("fc.bias");
        var e1 = Assert.Throws<StateDictException>(() => net.LoadStateDict(missing));
        Assert.Equal(["fc.bias"], e1.MissingKeys);
        Assert.Contains("Missing key(s)", e1.Message);

        var unexpected = ZerosLike(net);
        unexpected["fc.extra"] = torch.Zeros(1);
        var e2 = Assert.Throws<StateDictException>(() => net.LoadStateDict(unexpected));
        Assert.Equal(["fc.extra"], e2.UnexpectedKeys);

        var mismatch = ZerosLike(net);
        mismatch["fc.weight"] = torch.Zeros(3, 4);
        var e3 = Assert.Throws<StateDictException>(() => net.LoadStateDict(mismatch));
        Assert.Contains("size mismatch for fc.weight", e3.Message);

        foreach (var (key, value) in net.StateDict())
            TensorAssert.Close(before[key], value, 0, 0, key);

        // Non-strict: missing keys are reported and everything else is loaded.
        var result = net.LoadStateDict(missing, strict: false);
        Assert.Equal(["fc.bias"], result.MissingKeys);
        Assert.All(net.Fc.Weight.ToArray<float>(), v => Assert.Equal(0f, v));
        TensorAssert.Close(before["fc.bias"], net.Fc.Bias!, 0, 0);
    }

    [Fact]
    public void TrainAndEvalSwitchDropoutAndBatchNorm()
    {
        using var scope = DisposeScope.Open();
        using var model = new Sequential(new Dropout(0.5), new BatchNorm1d(3));
        var x = torch.Randn(8, 3).Add_(2);
        torch.ManualSeed(1);
        var yTrain = model.Forward(x);
        var bn = (BatchNorm1d)model[1];
        Assert.Equal(1, bn.NumBatchesTracked!.ToInt64());
        Assert.NotEqual(0f, bn.RunningMean!.ToArray<float>()[0]);

        model.Eval();
        Assert.All(model.NamedModules(), m => Assert.False(m.Module.Training));
        var mean = bn.RunningMean.Clone();
        var var_ = bn.RunningVar!.Clone();
        var yEval = model.Forward(x);
        // Eval: dropout is the identity and BN uses (and keeps) the running statistics.
        var (xs, ms, vs) = (x.ToArray<float>(), mean.ToArray<float>(), var_.ToArray<float>());
        var expected = xs.Select((v, i) => (v - ms[i % 3]) / Math.Sqrt(vs[i % 3] + 1e-5)).ToArray();
        TensorAssert.Close(expected, yEval.To(DType.Float64).ToArray<double>(), 1e-5, 1e-5);
        Assert.Equal(1, bn.NumBatchesTracked.ToInt64());
        TensorAssert.Close(mean, bn.RunningMean, 0, 0);

        model.Train();
        Assert.True(bn.Training);
        Assert.Equal(yTrain.Shape, model.Forward(x).Shape);
        Assert.Equal(2, bn.NumBatchesTracked.ToInt64());
    }

    [Theory]
    [InlineData("bn_mom", 0.1)]
    [InlineData("bn_cum", null)]
    public void BatchNormRunningStatsMatchPyTorch(string name, double? momentum)
    {
        using var scope = DisposeScope.Open();
        using var bn = new BatchNorm2d(3, momentum: momentum);
        TensorAssert.Close(G.Tensor($"{name}.y1"), bn.Forward(G.Tensor($"{name}.x1")), 1e-5, 1e-4);
        bn.Forward(G.Tensor($"{name}.x2"));
        foreach (var (key, value) in bn.StateDict())
            TensorAssert.Close(G.Tensor($"{name}.{key}"), value, 1e-6, 1e-5, key);
        bn.Eval();
        TensorAssert.Close(G.Tensor($"{name}.eval_y"), bn.Forward(G.Tensor($"{name}.x1")), 1e-5, 1e-4);
    }

    [Fact]
    public void BatchNormWithoutTrackingUsesBatchStatsInEval()
    {
        using var scope = DisposeScope.Open();
        using var bn = new BatchNorm2d(2, trackRunningStats: false, affine: false);
        Assert.Empty(bn.StateDict());
        bn.Eval();
        var x = torch.Randn(3, 2, 2, 2);
        TensorAssert.Close(F.BatchNorm(x, null, null, training: true), bn.Forward(x), 1e-6, 1e-6);
        Assert.Throws<ArgumentException>(() => bn.Forward(torch.Randn(3, 2)));
    }

    [Fact]
    public void ToChannelsLastKeepsParameterIdentityAndRelaysConvWeights()
    {
        using var scope = DisposeScope.Open();
        using var net = Cnn();
        var before = net.NamedParameters().ToList();
        var values = before.Select(p => p.Parameter.Detach().Clone()).ToList();
        net.To(MemoryFormat.ChannelsLast);
        var after = net.NamedParameters().ToList();
        Assert.Equal(before.Count, after.Count);
        for (var i = 0; i < before.Count; i++)
        {
            Assert.Same(before[i].Parameter, after[i].Parameter);
            TensorAssert.Close(values[i], after[i].Parameter, 0, 0, after[i].Name);
        }
        var conv = (Conv2d)net[0];
        Assert.True(conv.Weight.IsContiguous(MemoryFormat.ChannelsLast));
        Assert.False(conv.Weight.IsContiguous());
        Assert.True(conv.Weight.RequiresGrad && conv.Weight.IsLeaf);
        // The model still runs (and gives the same result) with channels-last input.
        var x = torch.Randn(1, 3, 8, 8);
        net.Eval();
        var y = net.Forward(x.Contiguous(MemoryFormat.ChannelsLast));
        net.To(MemoryFormat.Contiguous);
        TensorAssert.Close(net.Forward(x), y, 1e-5, 1e-4);
    }

    [Fact]
    public void SeededCnnConstructionEqualsTorchNn()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed((ulong)G.Value("cnn.seed"));
        using var cnn = Cnn();
        var sd = cnn.StateDict();
        Assert.Equal(Strings("cnn.keys"), sd.Keys.ToArray());
        foreach (var (key, value) in sd)
            TensorAssert.Close(G.Tensor($"cnn.sd.{key}"), value, 0, 0, key);
    }

    [Fact]
    public void CnnForwardAndBackwardMatchPyTorch()
    {
        using var scope = DisposeScope.Open();
        using var cnn = Cnn();
        var weights = Strings("cnn.keys").ToDictionary(k => k, k => G.Tensor($"cnn.sd.{k}"));
        cnn.LoadStateDict(weights);
        var x = G.Tensor("cnn.x");

        cnn.Eval();
        TensorAssert.Close(G.Tensor("cnn.eval_logits"), cnn.Forward(x), 1e-5, 1e-4, "eval logits");

        cnn.Train();
        var logits = cnn.Forward(x);
        TensorAssert.Close(G.Tensor("cnn.logits"), logits, 1e-5, 1e-4, "logits");
        var loss = F.CrossEntropy(logits, G.Tensor("cnn.target"));
        TensorAssert.Close(G.Tensor("cnn.loss"), loss, 1e-6, 1e-5, "loss");
        loss.Backward();
        foreach (var (name, p) in cnn.NamedParameters())
            TensorAssert.Close(G.Tensor($"cnn.grad.{name}"), p.Grad!, 1e-5, 1e-4, $"grad {name}");
        foreach (var (name, b) in cnn.NamedBuffers())
            TensorAssert.Close(G.Tensor($"cnn.after.{name}"), b, 1e-6, 1e-5, name);
    }

    [Fact]
    public void TrainingStepReturnsToTheLiveTensorBaseline()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            using var cnn = Cnn();
            var loss = F.CrossEntropy(cnn.Forward(torch.Randn(2, 3, 8, 8)), torch.FromArray(new long[] { 1, 2 }));
            loss.Backward();
            Assert.All(cnn.Parameters(), p => Assert.NotNull(p.Grad));
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void SequentialNamesIndexesAndReplacesChildren()
    {
        using var scope = DisposeScope.Open();
        using var seq = new Sequential(new Linear(3, 4), new ReLU());
        seq.Append(new Linear(4, 2));
        Assert.Equal(3, seq.Count);
        Assert.Equal(["0", "1", "2"], seq.NamedChildren().Select(c => c.Name).ToArray());
        Assert.IsType<Linear>(seq[-1]);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], seq.StateDict().Keys.ToArray());
        seq[1] = new Tanh();
        Assert.IsType<Tanh>(seq[1]);
        Assert.Equal(new long[] { 5, 2 }, seq.Forward(torch.Randn(5, 3)).Shape);
        Assert.Throws<ArgumentOutOfRangeException>(() => seq[3]);

        using var named = new Sequential(("conv", (Module<Tensor, Tensor>)new Conv2d(1, 2, 3)), ("act", new SiLU()));
        Assert.Equal(["conv.weight", "conv.bias"], named.StateDict().Keys.ToArray());
        using var empty = new Sequential();
        Assert.Equal(new long[] { 2 }, empty.Forward(torch.Zeros(2)).Shape);
    }

    [Fact]
    public void ModuleListAndModuleDictRegisterTheirChildren()
    {
        using var scope = DisposeScope.Open();
        using var list = new ModuleList(new Linear(2, 2));
        list.Append(new Linear(2, 3, bias: false));
        Assert.Equal(2, list.Count);
        Assert.Equal(["0.weight", "0.bias", "1.weight"], list.StateDict().Keys.ToArray());
        Assert.Equal(2, list.Count());
        Assert.IsType<Linear>(list[-1]);

        using var dict = new ModuleDict(("b", new Linear(1, 1)), ("a", new BatchNorm1d(2)));
        Assert.Equal(["b", "a"], dict.Keys.ToArray());
        Assert.Equal(["b.weight", "b.bias", "a.weight", "a.bias", "a.running_mean", "a.running_var", "a.num_batches_tracked"], dict.StateDict().Keys.ToArray());
        Assert.Throws<KeyNotFoundException>(() => dict["c"]);
    }

    [Fact]
    public void LayersComputeTheirFunctionalCounterparts()
    {
        using var scope = DisposeScope.Open();
        var x = torch.Randn(2, 4, 6, 6);
        using var conv = new Conv2d(4, 4, 3, padding: 1, paddingMode: PadMode.Reflect);
        var expected = F.Conv2d(F.Pad(x, [1, 1, 1, 1], PadMode.Reflect), conv.Weight, conv.Bias);
        TensorAssert.Close(expected, conv.Forward(x), 1e-5, 1e-5);

        using var gn = new GroupNorm(2, 4);
        TensorAssert.Close(F.GroupNorm(x, 2), gn.Forward(x), 1e-6, 1e-6);
        using var inorm = new InstanceNorm2d(4);
        Assert.Empty(inorm.StateDict());
        TensorAssert.Close(F.InstanceNorm(x), inorm.Forward(x), 1e-6, 1e-6);
        // Unbatched (C, H, W) input is normalised like a batch of one.
        var single = F.Flatten(x, 0, 1).Detach();
        Assert.Equal(new long[] { 8, 6, 6 }, single.Shape);
        using var inorm8 = new InstanceNorm2d(8);
        Assert.Equal(new long[] { 8, 6, 6 }, inorm8.Forward(single).Shape);

        Assert.Equal(new long[] { 2, 4, 3, 3 }, new MaxPool2d(2).Forward(x).Shape);
        Assert.Equal(new long[] { 2, 4, 3, 3 }, new AvgPool2d(3, stride: 2, padding: 1).Forward(x).Shape);
        Assert.Equal(new long[] { 2, 4, 1, 1 }, new AdaptiveAvgPool2d(1).Forward(x).Shape);
        Assert.Equal(new long[] { 2, 144 }, new Flatten().Forward(x).Shape);
        Assert.Equal(new long[] { 1, 2, 2, 2, 2 }, new MaxPool3d(2).Forward(torch.Randn(1, 2, 4, 4, 4)).Shape);
        Assert.Equal(new long[] { 1, 2, 4, 6, 4 }, new ConvTranspose3d(3, 2, 2, stride: 2).Forward(torch.Randn(1, 3, 2, 3, 2)).Shape);
        Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, 3, groups: 2));
        Assert.Throws<ArgumentException>(() => new GroupNorm(3, 4));
    }
}
