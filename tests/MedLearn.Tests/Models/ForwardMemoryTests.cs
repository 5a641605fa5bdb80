using MedLearn.Models;
using MedLearn.Models.Gmic;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Models;

/// <summary>
/// A forward releases each intermediate activation once the next layer has consumed it (ForwardRelease), as Python
/// does, instead of holding every layer's output in the dispose scope until it closes: after a forward only a few
/// handles are alive, whatever the depth. This is what keeps full-size inference within PyTorch's peak memory.
/// </summary>
public sealed class ForwardMemoryTests
{
    /// <summary>Handles a forward left alive in the caller's scope (output, flatten view, the model's own tail).</summary>
    private static long HandlesLeftByForward(Func<Tensor> forward)
    {
        using var scope = DisposeScope.Open();
        using var inference = GradMode.InferenceMode();
        var before = LeakCheck.Baseline();
        forward();
        return LiveTensors.Count - before;
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet50")]
    [InlineData("densenet121")]
    public void ClassifierForwardKeepsOnlyAFewHandles(string name)
    {
        var baseline = LeakCheck.Baseline();
        using (var model = ModelRegistry.Create(name, 2))
        {
            model.Eval();
            using var input = torch.Randn(1, 3, 64, 64);
            // Without eager release every layer output stays alive: dozens to hundreds of handles.
            Assert.InRange(HandlesLeftByForward(() => model.Forward(input)), 1, 8);
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void GmicForwardKeepsNoGlobalTrunkActivations()
    {
        var baseline = LeakCheck.Baseline();
        using (var model = new GmicModel(new GmicOptions(TopTPercent: 0.1, Patches: 3, CropHeight: 32, CropWidth: 32)))
        {
            model.Eval();
            using var input = torch.Randn(1, 1, 256, 192);
            using var scope = DisposeScope.Open();
            using var inference = GradMode.InferenceMode();
            var before = LeakCheck.Baseline();
            var output = model.Forward(input);
            var left = LiveTensors.Count - before;
            // The ResNet-22 trunk alone has ~70 layer outputs; what stays is GMIC's own small tensors (maps, patches,
            // attention, logits) plus the final feature map.
            Assert.InRange(left, 1, 40);
            Assert.Equal([1, 2], output.FusionLogits.Shape);
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }
}
