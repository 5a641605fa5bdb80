using System.Collections;
using System.Text.Json;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Optim;

namespace MedLearn.Torch.Tests;

/// <summary>Optimisers and gradient clipping against torch 1.13 (tools/golden/gen_optim.py).</summary>
public class OptimizerTests
{
    private static readonly Golden G = Golden.Load("optim");
    private const int Steps = 5;

    public static TheoryData<string> OptimizerNames()
    {
        var data = new TheoryData<string>();
        foreach (var n in G.RawValue("optimizers").EnumerateArray()) data.Add(n.GetString()!);
        return data;
    }

    /// <summary>The configurations of gen_optim.py's make().</summary>
    private static Optimizer Make(string name, Tensor w, Tensor b) => name switch
    {
        "sgd" => new SGD([w, b], lr: 0.1),
        "sgd_momentum" => new SGD([w, b], lr: 0.1, momentum: 0.9),
        "sgd_nesterov" => new SGD([w, b], lr: 0.1, momentum: 0.9, nesterov: true),
        "sgd_dampening" => new SGD([w, b], lr: 0.1, momentum: 0.9, dampening: 0.3),
        "sgd_weight_decay" => new SGD([w, b], lr: 0.1, momentum: 0.9, weightDecay: 0.01),
        "sgd_maximize" => new SGD([w, b], lr: 0.1, weightDecay: 0.1, maximize: true),
        "sgd_groups" => new SGD([new SgdParamGroup([w]), new SgdParamGroup([b]) { Lr = 0.01, Momentum = 0.5 }], lr: 0.1, momentum: 0.9),
        "adam" => new Adam([w, b], lr: 0.01),
        "adam_weight_decay" => new Adam([w, b], lr: 0.01, weightDecay: 0.1),
        "adam_amsgrad" => new Adam([w, b], lr: 0.01, beta1: 0.8, beta2: 0.99, amsgrad: true),
        "adam_maximize" => new Adam([w, b], lr: 0.01, eps: 1e-3, maximize: true),
        "adam_groups" => new Adam([new AdamParamGroup([w]) { Lr = 0.05, Betas = (0.5, 0.9) }, new AdamParamGroup([b])], lr: 0.01),
        "adamw" => new AdamW([w, b], lr: 0.01, weightDecay: 0.1),
        "adamw_amsgrad" => new AdamW([w, b], lr: 0.01, amsgrad: true),
        _ => throw new ArgumentException(name),
    };

    private static bool SkipB(int step) => G.RawValue("skip_b").EnumerateArray().Any(e => e.GetInt32() == step);

    private static (Tensor W, Tensor B) Params() => (G.Tensor("init.w").RequiresGrad_(), G.Tensor("init.b").RequiresGrad_());

    /// <summary>Sets the golden gradients of step k (b has none at the skip steps) and steps; temporaries die with a scope.</summary>
    private static void StepWithGoldenGrads(Optimizer opt, Tensor w, Tensor b, int k)
    {
        using var scope = DisposeScope.Open();
        opt.ZeroGrad();
        w.Grad = G.Tensor($"grad.w.{k}");
        if (!SkipB(k)) b.Grad = G.Tensor($"grad.b.{k}");
        opt.Step();
    }

    private static void AssertStep(string name, Tensor w, Tensor b, int k)
    {
        using var scope = DisposeScope.Open();
        TensorAssert.Close(G.Tensor($"{name}.w.{k}"), w, atol: 1e-7, rtol: 1e-5, what: $"{name} w after step {k}");
        TensorAssert.Close(G.Tensor($"{name}.b.{k}"), b, atol: 1e-7, rtol: 1e-5, what: $"{name} b after step {k}");
    }

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void TrajectoryMatchesPyTorchAndDisposeFreesTheState(string name)
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            var (w, b) = Params();
            var beforeOptimizer = LiveTensors.Count;
            var opt = Make(name, w, b);
            for (var k = 0; k < Steps; k++)
            {
                StepWithGoldenGrads(opt, w, b, k);
                AssertStep(name, w, b, k);
            }
            Assert.Equal(2, opt.StateCount);
            w.Grad = null;
            b.Grad = null;
            opt.Dispose();
            Assert.Equal(beforeOptimizer, LiveTensors.Count);
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void StateDictHasPyTorchLayout(string name)
    {
        using var scope = DisposeScope.Open();
        var (w, b) = Params();
        using var opt = Make(name, w, b);
        for (var k = 0; k < Steps; k++) StepWithGoldenGrads(opt, w, b, k);
        var sd = opt.StateDict();
        Assert.Equal(["state", "param_groups"], sd.Keys);
        var groups = (IList)sd["param_groups"]!;
        var g0 = (IDictionary<object, object?>)groups[0]!;
        string[] ignored = ["foreach", "capturable", "differentiable", "fused"];
        var expectedKeys = G.RawValue($"{name}.group_keys").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(expectedKeys, g0.Keys.Cast<string>().Where(k => !ignored.Contains(k)).ToArray());
        var ids = groups.Cast<IDictionary<object, object?>>().SelectMany(g => ((IList)g["params"]!).Cast<long>()).ToArray();
        Assert.Equal([0L, 1L], ids);

        var state = (IDictionary<object, object?>)sd["state"]!;
        foreach (var entry in G.RawValue($"{name}.state_keys").EnumerateObject())
        {
            var s = (IDictionary<object, object?>)state[long.Parse(entry.Name)]!;
            Assert.Equal(entry.Value.EnumerateArray().Select(e => e.GetString()!).ToArray(), s.Keys.Cast<string>().Order(StringComparer.Ordinal).ToArray());
        }
        if (G.RawValue($"{name}.state_keys").EnumerateObject().Any() && name.StartsWith("adam", StringComparison.Ordinal))
            foreach (var entry in G.RawValue($"{name}.steps").EnumerateObject())
            {
                var step = (Tensor)((IDictionary<object, object?>)state[long.Parse(entry.Name)]!)["step"]!;
                Assert.Equal(DType.Float32, step.DType);
                Assert.Equal(entry.Value.GetDouble(), step.ToDouble());
            }
    }

    /// <summary>What a checkpoint reader may hand back: Hashtable/ArrayList containers, int keys and ints, float64 tensors.</summary>
    private static object? Loosen(object? v) => v switch
    {
        IDictionary d => Hashtable(d),
        IList list => new ArrayList(list.Cast<object?>().Select(Loosen).ToArray()),
        long l => (int)l,
        Tensor t => t.To(DType.Float64),
        _ => v,
    };

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void StateDictRoundTripContinuesTheTrajectoryBitIdentically(string name)
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            // Reference: one optimiser all the way.
            var (w1, b1) = Params();
            using (var reference = Make(name, w1, b1))
                for (var k = 0; k < Steps; k++) StepWithGoldenGrads(reference, w1, b1, k);

            // Three steps, checkpoint, a fresh optimiser (other defaults) restored from the loosened checkpoint.
            var (w2, b2) = Params();
            var first = Make(name, w2, b2);
            for (var k = 0; k < 3; k++) StepWithGoldenGrads(first, w2, b2, k);
            IDictionary checkpoint;
            using (var sdScope = DisposeScope.Open())
            {
                checkpoint = (IDictionary)Loosen(first.StateDict())!;
                foreach (var t in Flatten(checkpoint)) sdScope.MoveToOuter(t);
            }
            first.Dispose();
            using var second = Make(name, w2, b2);
            foreach (var g in second.ParamGroups) g.Lr = 123;
            second.LoadStateDict(checkpoint);
            for (var k = 3; k < Steps; k++)
            {
                StepWithGoldenGrads(second, w2, b2, k);
                AssertStep(name, w2, b2, k);
            }
            Assert.Equal(w1.ToArray<float>(), w2.ToArray<float>());
            Assert.Equal(b1.ToArray<float>(), b2.ToArray<float>());
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }

    private static Hashtable Hashtable(IDictionary d)
    {
        var h = new Hashtable();
        var e = d.GetEnumerator();
        while (e.MoveNext()) h[e.Key is long l ? (int)l : e.Key] = Loosen(e.Value);
        return h;
    }

    private static IEnumerable<Tensor> Flatten(object? v) => v switch
    {
        Tensor t => [t],
        IDictionary d => d.Values.Cast<object?>().SelectMany(Flatten),
        IList l => l.Cast<object?>().SelectMany(Flatten),
        _ => [],
    };

    [Fact]
    public void InvalidHyperparametersGiveArgumentExceptions()
    {
        using var scope = DisposeScope.Open();
        var w = torch.Zeros(2).RequiresGrad_();
        Assert.Contains("Invalid learning rate", Assert.ThrowsAny<ArgumentException>(() => new SGD([w], lr: -0.1)).Message);
        Assert.Contains("momentum", Assert.ThrowsAny<ArgumentException>(() => new SGD([w], lr: 0.1, momentum: -1)).Message);
        Assert.Contains("Nesterov", Assert.ThrowsAny<ArgumentException>(() => new SGD([w], lr: 0.1, nesterov: true)).Message);
        Assert.Contains("Nesterov", Assert.ThrowsAny<ArgumentException>(() => new SGD([w], lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true)).Message);
        Assert.Contains("index 0", Assert.ThrowsAny<ArgumentException>(() => new Adam([w], beta1: 1.0)).Message);
        Assert.Contains("index 1", Assert.ThrowsAny<ArgumentException>(() => new Adam([w], beta2: -0.1)).Message);
        Assert.Contains("epsilon", Assert.ThrowsAny<ArgumentException>(() => new AdamW([w], eps: -1)).Message);
        Assert.Contains("weight_decay", Assert.ThrowsAny<ArgumentException>(() => new Adam([w], weightDecay: -1)).Message);
        Assert.Contains("Invalid learning rate", Assert.ThrowsAny<ArgumentException>(() => new Adam([w], lr: double.NaN)).Message);
        Assert.Contains("empty parameter list", Assert.Throws<ArgumentException>(() => new Adam(Array.Empty<AdamParamGroup>())).Message);
        Assert.Contains("more than one", Assert.Throws<ArgumentException>(() => new SGD([new SgdParamGroup([w]), new SgdParamGroup([w])], lr: 0.1)).Message);
        var nonLeaf = w * 2;
        Assert.Contains("non-leaf", Assert.Throws<ArgumentException>(() => new SGD([nonLeaf], lr: 0.1)).Message);
        using var opt = new SGD([w], lr: 0.1);
        Assert.ThrowsAny<ArgumentException>(() => opt.ParamGroups[0].Lr = -1);
        Assert.Equal(0.1, opt.ParamGroups[0].Lr);
    }

    [Fact]
    public void MismatchedStateDictsAreRejectedAndLeaveTheOptimizerUnchanged()
    {
        using var scope = DisposeScope.Open();
        var (w, b) = Params();
        using var two = new Adam([new AdamParamGroup([w]), new AdamParamGroup([b])], lr: 0.01);
        using var one = new Adam([w, b], lr: 0.02);
        using var single = new Adam([w], lr: 0.03);
        StepWithGoldenGrads(one, w, b, 0);

        var e = Assert.Throws<ArgumentException>(() => two.LoadStateDict(one.StateDict()));
        Assert.Contains("parameter groups", e.Message);
        e = Assert.Throws<ArgumentException>(() => single.LoadStateDict(one.StateDict()));
        Assert.Contains("doesn't match", e.Message.Replace("with 2 parameters but the optimizer's group has 1", "doesn't match"));
        Assert.Contains("2 parameters", e.Message);
        Assert.Throws<ArgumentException>(() => one.LoadStateDict(new Hashtable { ["state"] = new Hashtable() }));

        // A state tensor of the wrong shape, a non-number lr, an unknown parameter id.
        var bad = one.StateDict();
        ((IDictionary)((IDictionary)bad["state"]!)[0L]!)["exp_avg"] = torch.Zeros(7);
        Assert.Contains("shape", Assert.Throws<ArgumentException>(() => one.LoadStateDict(bad)).Message);
        bad = one.StateDict();
        ((IDictionary)((IList)bad["param_groups"]!)[0]!)["lr"] = "fast";
        Assert.Contains("lr", Assert.Throws<ArgumentException>(() => one.LoadStateDict(bad)).Message);
        bad = one.StateDict();
        ((IDictionary)bad["state"]!)[9L] = new Hashtable();
        Assert.Contains("parameter id 9", Assert.Throws<ArgumentException>(() => one.LoadStateDict(bad)).Message);
        bad = one.StateDict();
        ((IDictionary)((IList)bad["param_groups"]!)[0]!)["betas"] = new ArrayList { 0.9, 1.5 };
        Assert.ThrowsAny<ArgumentException>(() => one.LoadStateDict(bad));

        Assert.Equal(0.02, one.ParamGroups[0].Lr);
        Assert.Equal((0.9, 0.999), ((AdamParamGroup)one.ParamGroups[0]).Betas);
        Assert.Equal(2, one.StateCount);
    }

    [Fact]
    public void ZeroGradClearsOrZeroesAndParametersWithoutGradAreSkipped()
    {
        using var scope = DisposeScope.Open();
        var w = torch.Ones(3).RequiresGrad_();
        var frozen = torch.Ones(2).RequiresGrad_();
        using var opt = new SGD([w, frozen], lr: 0.5, momentum: 0.9);
        w.Grad = torch.FromArray(new float[] { 1, 2, 3 });
        opt.Step();
        Assert.Equal(new float[] { 0.5f, 0f, -0.5f }, w.ToArray<float>());
        Assert.Equal(new float[] { 1, 1 }, frozen.ToArray<float>());
        Assert.Equal(1, opt.StateCount);
        opt.ZeroGrad(setToNone: false);
        Assert.Equal(new float[] { 0, 0, 0 }, w.Grad!.ToArray<float>());
        opt.ZeroGrad();
        Assert.Null(w.Grad);
    }

    [Fact]
    public void OptimizerStepsOnARealLossWithBackward()
    {
        using var scope = DisposeScope.Open();
        var w = torch.Zeros(3).RequiresGrad_();
        var target = torch.FromArray(new float[] { 1, -2, 3 });
        using var opt = new Adam([w], lr: 0.1);
        for (var i = 0; i < 300; i++)
        {
            using var step = DisposeScope.Open();
            opt.ZeroGrad();
            var d = w - target;
            opt.Step(() =>
            {
                var loss = (d * d).Sum();
                loss.Backward();
                return loss;
            });
        }
        TensorAssert.Close(target, w, atol: 1e-2, rtol: 0);
    }

    // --- gradient clipping -------------------------------------------------------------------------------

    private static Tensor[] ClipParams(bool withUngraded = false)
    {
        var ps = new List<Tensor>();
        for (var i = 0; i < 3; i++)
        {
            var g = G.Tensor($"clip.grad.{i}");
            var p = torch.ZerosLike(g).RequiresGrad_();
            p.Grad = g;
            ps.Add(p);
        }
        if (withUngraded) ps.Insert(1, torch.Zeros(4).RequiresGrad_());
        return [.. ps];
    }

    [Theory]
    [InlineData("2", 2.0)]
    [InlineData("1", 1.0)]
    [InlineData("3", 3.0)]
    [InlineData("inf", double.PositiveInfinity)]
    public void ClipGradNormMatchesPyTorch(string key, double normType)
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            foreach (var maxNorm in new[] { 0.5, 100.0 })
            {
                var ps = ClipParams(withUngraded: true);
                var total = GradClipping.ClipGradNorm(ps, maxNorm, normType);
                var k = $"clip.{key}.{maxNorm:0.0}";
                TensorAssert.Close(G.Tensor($"{k}.total"), total, atol: 1e-6, rtol: 1e-5, what: $"{k} total");
                var graded = ps.Where(p => p.Grad is not null).ToArray();
                Assert.Equal(3, graded.Length);
                for (var i = 0; i < 3; i++)
                    TensorAssert.Close(G.Tensor($"{k}.grad.{i}"), graded[i].Grad!, atol: 1e-7, rtol: 1e-5, what: $"{k} grad {i}");
            }
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void ClipGradNormEdgeCases()
    {
        using var scope = DisposeScope.Open();
        Assert.Equal(0.0, GradClipping.ClipGradNorm([torch.Zeros(2).RequiresGrad_()], 1.0).ToDouble());
        var p = torch.Zeros(2).RequiresGrad_();
        p.Grad = torch.FromArray(new float[] { float.NaN, 1 });
        var e = Assert.Throws<InvalidOperationException>(() => GradClipping.ClipGradNorm([p], 1.0, errorIfNonfinite: true));
        Assert.Contains("non-finite", e.Message);
        Assert.Equal(1f, p.Grad!.ToArray<float>()[1]);
        Assert.True(double.IsNaN(GradClipping.ClipGradNorm([p], 1.0).ToDouble()));
    }

    [Fact]
    public void ClipGradValueMatchesPyTorch()
    {
        using var scope = DisposeScope.Open();
        var ps = ClipParams(withUngraded: true);
        GradClipping.ClipGradValue(ps, 0.3);
        var graded = ps.Where(p => p.Grad is not null).ToArray();
        for (var i = 0; i < 3; i++) TensorAssert.Close(G.Tensor($"clipvalue.grad.{i}"), graded[i].Grad!, atol: 0, rtol: 0);
    }
}
