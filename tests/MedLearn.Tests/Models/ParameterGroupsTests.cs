using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Optim;

namespace MedLearn.Tests.Models;

/// <summary>Learning rates per parameter group by name pattern.</summary>
public sealed class ParameterGroupsTests
{
    [Fact]
    public void FirstMatchingPatternWinsAndFrozenParametersAreLeftOut()
    {
        using var model = ModelRegistry.Create("resnet18", 4);
        model.Freeze("layer1.*");
        var groups = ParameterGroups.ByPattern(model, 1e-3, ("fc.*", 1e-2), ("layer4.*", 5e-4), ("*.bn?.*", 2e-3));
        Assert.Equal([("fc.*", 1e-2), ("layer4.*", 5e-4), ("*.bn?.*", 2e-3), ((string?)null, 1e-3)], groups.Select(g => (g.Pattern, g.Lr)));
        Assert.Equal(["fc.weight", "fc.bias"], groups[0].Names);
        // layer4's batch norms match "*.bn?.*" too but "layer4.*" comes first.
        Assert.All(groups[1].Names, n => Assert.StartsWith("layer4.", n, StringComparison.Ordinal));
        Assert.Contains("layer4.0.bn1.weight", groups[1].Names);
        // bn1/bn2 of layer2..3 (2 blocks x 2 BNs x 2 params each); layer1 is frozen and the stem's "bn1.weight" has no leading dot.
        Assert.Equal(16, groups[2].Names.Count);
        Assert.All(groups[2].Names, n => Assert.Matches(@"^layer[23]\.\d\.bn[12]\.(weight|bias)$", n));
        Assert.Contains("conv1.weight", groups[3].Names);
        Assert.Contains("bn1.weight", groups[3].Names);

        // Every trainable parameter in exactly one group, in model order within each group; no frozen one anywhere.
        var trainable = model.NamedParameters().Where(p => p.Parameter.RequiresGrad).Select(p => p.Name).ToList();
        var grouped = groups.SelectMany(g => g.Names).ToList();
        Assert.Equal(trainable.Order(StringComparer.Ordinal), grouped.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(grouped, n => n.StartsWith("layer1.", StringComparison.Ordinal));
        foreach (var g in groups)
        {
            Assert.Equal(trainable.Where(g.Names.Contains), g.Names);
            Assert.Equal(g.Names.Select(n => model.NamedParameters().Single(p => p.Name == n).Parameter), g.Parameters);
        }
    }

    [Fact]
    public void SgdAppliesEachGroupsLearningRate()
    {
        // With momentum 0 and every gradient 1, one SGD step moves each parameter by exactly -lr of its group.
        using var model = new SmallCnn(numClasses: 2);
        var groups = ParameterGroups.ByPattern(model, 0.01, ("fc.*", 0.1));
        using var sgd = new SGD(groups.ToSgd(), lr: 0.5);
        Assert.Equal([0.1, 0.01], sgd.ParamGroups.Select(g => g.Lr));
        using var scope = DisposeScope.Open();
        var before = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Detach().Clone());
        foreach (var p in model.Parameters()) p.Grad = torch.OnesLike(p);
        sgd.Step();
        foreach (var (name, p) in model.NamedParameters())
        {
            var lr = name.StartsWith("fc.", StringComparison.Ordinal) ? 0.1 : 0.01;
            var step = (before[name] - p.Detach()).To(DType.Float64);
            Assert.True((step - lr).Abs().Max().ToDouble() <= 1e-6, name);
        }
        model.ZeroGrad();
    }

    [Fact]
    public void AdamGroupsCarryTheirLearningRates()
    {
        using var model = new SmallCnn(numClasses: 2);
        model.Freeze("features.conv1.*");
        var groups = ParameterGroups.ByPattern(model, 1e-4, ("fc.*", 1e-3));
        using var adam = new AdamW(groups.ToAdam(), lr: 1.0);
        Assert.Equal([1e-3, 1e-4], adam.ParamGroups.Select(g => g.Lr));
        Assert.Equal(model.Parameters().Count(p => p.RequiresGrad), adam.ParamGroups.Sum(g => g.Parameters.Count));
        Assert.Equal(model.Parameters().Count() - 1, adam.ParamGroups.Sum(g => g.Parameters.Count));
    }

    [Fact]
    public void PatternMatchingNothingIsAnError()
    {
        using var model = new SmallCnn();
        var e = Assert.Throws<ArgumentException>(() => ParameterGroups.ByPattern(model, 1e-3, ("head.*", 1e-2)));
        Assert.Contains("'head.*'", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ParameterGroups.ByPattern(model, -1));
        // A pattern whose parameters are all frozen is fine: its group is just omitted.
        model.Freeze("fc.*");
        var groups = ParameterGroups.ByPattern(model, 1e-3, ("fc.*", 1e-2));
        Assert.Single(groups);
        Assert.Null(groups[0].Pattern);
    }
}
