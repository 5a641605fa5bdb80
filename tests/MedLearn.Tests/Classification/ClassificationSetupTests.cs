using MedLearn.Methods.Supervised;
using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Optim;

namespace MedLearn.Tests.Classification;

public class ClassificationSetupTests
{
    [Fact]
    public void LinearProbingTrainsOnlyTheHeadAtItsOwnRate()
    {
        using var scope = DisposeScope.Open();
        using var model = ModelRegistry.Create("small-cnn", 3);
        model.Freeze("*");
        model.Unfreeze("fc.*");
        using var optimizer = ClassificationSetup.Optimizer(model, new ClassificationTrainingOptions { LearningRate = 0.01, HeadLearningRateMultiplier = 10 });
        var group = Assert.Single(optimizer.ParamGroups);
        Assert.Equal(0.1, group.Lr, 12);
        Assert.Equal(2, group.Parameters.Count); // fc.weight, fc.bias
    }

    [Fact]
    public void HeadMultiplierMakesTwoGroupsAndOneGroupOtherwise()
    {
        using var scope = DisposeScope.Open();
        using var model = ModelRegistry.Create("resnet18", 4);
        var all = model.Parameters().Count();
        using var two = ClassificationSetup.Optimizer(model, new ClassificationTrainingOptions { LearningRate = 0.001, HeadLearningRateMultiplier = 10, Optimizer = "adamw" });
        Assert.IsType<AdamW>(two);
        Assert.Equal([0.001, 0.01], two.ParamGroups.Select(g => Math.Round(g.Lr, 12)).ToArray());
        Assert.Equal([all - 2, 2], two.ParamGroups.Select(g => g.Parameters.Count).ToArray());
        using var one = ClassificationSetup.Optimizer(model, new ClassificationTrainingOptions());
        Assert.IsType<SGD>(one);
        Assert.Equal(all, Assert.Single(one.ParamGroups).Parameters.Count);
    }

    [Theory]
    [InlineData("epochs", "epochs: must be >= 1")]
    [InlineData("split", "split: needs three fractions")]
    [InlineData("channels", "channels: must be 1 or 3")]
    [InlineData("model", "model: unknown architecture 'vgg'")]
    [InlineData("explain-method", "explain-method: must be occlusion, gradcam, gradcam++ (got 'lime')")]
    [InlineData("explain-samples", "explain-samples: must be >= 0 (got -1)")]
    public void InvalidOptionsNameTheirKey(string key, string message)
    {
        var o = new ClassificationTrainingOptions { Data = "x" };
        o = key switch
        {
            "epochs" => o with { Epochs = 0 },
            "split" => o with { Split = [0.5, 0.5] },
            "channels" => o with { Channels = 2 },
            "explain-method" => o with { ExplainMethod = "lime" },
            "explain-samples" => o with { ExplainSamples = -1 },
            _ => o with { Model = "vgg" },
        };
        var e = Assert.Throws<ArgumentException>(() => ClassificationSetup.Validate(o));
        Assert.StartsWith(message, e.Message);
    }
}
