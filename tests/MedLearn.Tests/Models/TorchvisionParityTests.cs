using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Serialization;

namespace MedLearn.Tests.Models;

/// <summary>
/// Our classifiers against torchvision 0.14: state dicts saved by torchvision load strictly by name and give
/// the same eval-mode logits (max abs diff &lt;= 1e-4), key lists and parameter counts are identical.
/// </summary>
[Collection(ModelOracle.Collection)]
public sealed class TorchvisionParityTests(ModelOracle oracle)
{
    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet50")]
    [InlineData("densenet121")]
    public void TorchvisionStateDictLoadsStrictlyAndLogitsMatch(string name)
    {
        using var scope = DisposeScope.Open();
        using var model = ModelRegistry.Create(name, 4);
        var sd = StateDictFile.Load(oracle.StateDictPath(name));
        var result = model.LoadStateDict(sd, strict: true);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        model.Eval();
        var x = oracle.Tensor("input");
        using var noGrad = GradMode.NoGrad();
        var (features, logits) = model.ForwardWithFeatures(x);
        var expected = oracle.Tensor(name + "_logits");
        Assert.Equal(expected.Shape, logits.Shape);
        var diff = (logits - expected).Abs().Max().ToDouble();
        Assert.True(diff <= 1e-4, $"{name}: max abs diff of logits {diff}");
        Assert.Equal([1, model.FeatureDim], features.Shape);
        if (name == "densenet121")
        {
            var featDiff = (features - oracle.Tensor(name + "_features")).Abs().Max().ToDouble();
            Assert.True(featDiff <= 1e-4, $"{name}: max abs diff of features {featDiff}");
        }
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet50")]
    [InlineData("densenet121")]
    public void StateDictKeysEqualTorchvisionInOrder(string name)
    {
        using var scope = DisposeScope.Open();
        using var model = ModelRegistry.Create(name, 4);
        var expected = oracle.Value(name + "_keys").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(expected, model.StateDict().Keys.ToArray());
    }

    [Theory]
    [InlineData("resnet18", 11_689_512)]
    [InlineData("resnet34", 21_797_672)]
    [InlineData("resnet50", 25_557_032)]
    [InlineData("densenet121", 7_978_856)]
    public void ParameterCountsEqualTorchvision(string name, long count)
    {
        Assert.Equal(count, oracle.Value(name + "_params_1000").GetInt64());
        Assert.Equal(count, ModelRegistry.Info(name).ParameterCount);
        using var model = ModelRegistry.Create(name, 1000);
        Assert.Equal(count, model.ParameterCount());
    }
}
