using MedLearn.Torch.Nn;

namespace MedLearn.Torch.Tests;

public class ModuleBaseTests
{
    /// <summary>A hand-written affine module: y = x W^T + b, with a running buffer and a child.</summary>
    private sealed class Affine : Module<Tensor, Tensor>
    {
        public Affine(int inFeatures, int outFeatures, bool withChild)
        {
            RegisterParameter("weight", torch.Randn(outFeatures, inFeatures));
            RegisterParameter("bias", torch.Zeros(outFeatures));
            RegisterBuffer("count", torch.Zeros([1], DType.Int64));
            RegisterBuffer("scratch", torch.Zeros(1), persistent: false);
            if (withChild) RegisterModule("inner", new Affine(outFeatures, outFeatures, false));
        }

        public Tensor Weight => NamedParameters(false).First().Parameter;

        public override Tensor Forward(Tensor x) => x.MatMul(Weight.Alias().Detach());
    }

    [Fact]
    public void NamesFollowPyTorchDottedConvention()
    {
        using var scope = DisposeScope.Open();
        using var m = new Affine(3, 2, withChild: true);
        Assert.Equal(new[] { "weight", "bias", "inner.weight", "inner.bias" }, m.NamedParameters().Select(p => p.Name));
        Assert.Equal(new[] { "count", "scratch", "inner.count", "inner.scratch" }, m.NamedBuffers().Select(b => b.Name));
        // PyTorch order: own parameters, own persistent buffers, then children; non-persistent buffers are left out.
        Assert.Equal(new[] { "weight", "bias", "count", "inner.weight", "inner.bias", "inner.count" }, m.StateDict().Keys);
        Assert.Equal(3 * 2 + 2 + 2 * 2 + 2, m.ParameterCount());
        Assert.Same(m.GetSubmodule("inner"), m.NamedModules().Single(x => x.Name == "inner").Module);
    }

    [Fact]
    public void LoadStateDictCopiesValuesAndStrictErrorsLeaveTheModuleUnchanged()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            using var source = new Affine(3, 2, withChild: true);
            using var target = new Affine(3, 2, withChild: true);
            var before = target.StateDict()["weight"].Clone().ToArray<float>();

            var bad = new Dictionary<string, Tensor>(source.StateDict()) { ["extra.weight"] = torch.Zeros(1) };
            bad.Remove("inner.bias");
            var e = Assert.Throws<StateDictException>(() => target.LoadStateDict(bad));
            Assert.Contains("Unexpected key(s) in state_dict: \"extra.weight\"", e.Message);
            Assert.Contains("Missing key(s) in state_dict: \"inner.bias\"", e.Message);
            Assert.Equal(before, target.StateDict()["weight"].ToArray<float>());

            var wrongShape = new Dictionary<string, Tensor>(source.StateDict()) { ["weight"] = torch.Zeros(3, 2) };
            var s = Assert.Throws<StateDictException>(() => target.LoadStateDict(wrongShape));
            Assert.Contains("size mismatch for weight", s.Message);
            Assert.Equal(before, target.StateDict()["weight"].ToArray<float>());

            var nonStrict = target.LoadStateDict(bad, strict: false);
            Assert.Equal(new[] { "inner.bias" }, nonStrict.MissingKeys);
            Assert.Equal(new[] { "extra.weight" }, nonStrict.UnexpectedKeys);
            Assert.Equal(source.StateDict()["weight"].ToArray<float>(), target.StateDict()["weight"].ToArray<float>());
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void TrainEvalPropagatesToChildren()
    {
        using var m = new Affine(2, 2, withChild: true);
        m.Eval();
        Assert.All(m.NamedModules(), x => Assert.False(x.Module.Training));
        m.Train();
        Assert.All(m.NamedModules(), x => Assert.True(x.Module.Training));
    }

    [Fact]
    public void DtypeMoveKeepsParameterIdentityAndConvertsOnlyFloatingTensors()
    {
        using var scope = DisposeScope.Open();
        using var m = new Affine(2, 2, withChild: false);
        var weight = m.Weight;
        m.To(DType.Float64);
        Assert.Same(weight, m.Weight);
        Assert.Equal(DType.Float64, weight.DType);
        Assert.Equal(DType.Int64, m.NamedBuffers().First().Buffer.DType);
        Assert.True(weight.RequiresGrad);
    }

    [Fact]
    public void ZeroGradClearsGradients()
    {
        using var scope = DisposeScope.Open();
        using var m = new Affine(2, 2, withChild: false);
        var w = m.Weight;
        (w * w).Sum().Backward();
        Assert.NotNull(w.Grad);
        m.ZeroGrad(setToNone: false);
        Assert.All(w.Grad!.ToArray<float>(), g => Assert.Equal(0f, g));
        m.ZeroGrad();
        Assert.Null(w.Grad);
    }

    [Fact]
    public void UnknownSubmoduleErrorListsTheModules()
    {
        using var m = new Affine(2, 2, withChild: true);
        var e = Assert.Throws<ArgumentException>(() => m.GetSubmodule("head"));
        Assert.Contains("inner", e.Message);
    }
}
