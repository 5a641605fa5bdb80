using MedLearn.Methods.Segmentation;
using MedLearn.Models.Segmentation;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Segmentation;

/// <summary>
/// The V-Net releases every intermediate activation as soon as it is consumed (bench/ugmcl.sh: peak memory of teacher
/// passes and sliding windows), without changing outputs or gradients.
/// </summary>
public class VNetMemoryTests
{
    [Fact]
    public void NoGradForwardKeepsOnlyItsOutputsInTheCallersScope()
    {
        using var outer = DisposeScope.Open();
        torch.ManualSeed(5);
        using var net = new VNet(new VNetOptions { BaseFilters = 2, Depth = 2 });
        net.Eval();
        var x = torch.Randn(1, 1, 8, 8, 8);
        using var scope = DisposeScope.Open();
        using (GradMode.NoGrad())
        {
            var output = net.ForwardBoth(x);
            // Before: every block's conv/BN/ReLU output, the up-samplings and the skip sums stayed in this scope (dozens).
            Assert.Equal(2, scope.Count);
            Assert.Equal(new long[] { 1, 2, 8, 8, 8 }, output.Logits.Shape);
        }
    }

    [Fact]
    public void EagerReleaseGivesTheSameOutputsAndGradientsAsTheCapturingPath()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(8);
        using var net = new VNet(new VNetOptions { BaseFilters = 3, Depth = 2, Dropout = 0, DistanceHead = false });
        net.Train();
        var x = torch.Randn(2, 1, 8, 8, 4);
        // Capturing activations keeps every intermediate alive (no release): the reference path.
        var reference = net.ForwardWithActivations(x, ["block_one"]).Output;
        reference.Square().Sum().Backward();
        var referenceGrads = net.Parameters().Select(p => p.Grad!.Clone()).ToArray();
        net.ZeroGrad();
        var eager = net.Forward(x);
        eager.Square().Sum().Backward();
        TensorAssert.Close(reference, eager, 0, 0, "logits");
        var grads = net.Parameters().Select(p => p.Grad!).ToArray();
        for (var i = 0; i < grads.Length; i++) TensorAssert.Close(referenceGrads[i], grads[i], 0, 0, $"gradient {i}");
    }

    [Fact]
    public void UncertaintyMeanIsUnchangedByPerGroupRelease()
    {
        using var scope = DisposeScope.Open();
        var input = torch.Randn(2, 1, 4, 4, 4);
        Tensor Logits(Tensor t) => torch.Cat([t, t * 2.0], 1);
        // 5 passes in groups of 2: 2 + 2 + 1 (the last group is partial).
        torch.ManualSeed(4);
        var mean = UncertaintyMap.MeanProbability(Logits, input, 5, 0.1, 0.2, 2);
        torch.ManualSeed(4);
        Tensor? sum = null;
        foreach (var group in new[] { 2, 2, 1 })
        {
            var stacked = torch.Cat([.. Enumerable.Repeat(input, group)], 0);
            var p = Logits(stacked + (torch.RandnLike(stacked) * 0.1).Clamp(-0.2, 0.2)).Softmax(1);
            for (var g = 0; g < group; g++) sum = sum is null ? p.Narrow(0, g * 2, 2) : sum + p.Narrow(0, g * 2, 2);
        }
        TensorAssert.Close(sum! * 0.2, mean, 0, 1e-7, "mean probability");
        Assert.Equal(new long[] { 2, 2, 4, 4, 4 }, mean.Shape);
    }
}
