using MedLearn.Models.Segmentation;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Segmentation;

/// <summary>The (dual-task) V-Net and its depth-to-space rewrite of the kernel == stride transposed convolution.</summary>
public class VNetTests
{
    [Theory]
    [InlineData(2, true)]
    [InlineData(3, false)]
    public void DepthToSpaceEqualsTransposedConvolutionWithGradients(long factor, bool bias)
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(7);
        using var layer = new DepthToSpaceConvTranspose3d(5, 3, factor, bias);
        var x = torch.Randn(2, 5, 3, 4, 2);
        var r = torch.Randn(2, 3, 3 * factor, 4 * factor, 2 * factor);
        var fast = layer.Forward(x);
        fast.Mul(r).Sum().Backward();
        var gradFast = layer.Weight.Grad!.Clone();
        layer.ZeroGrad();
        layer.UsePlainTransposedConvolution = true;
        var plain = layer.Forward(x);
        var reference = Functional.ConvTranspose3d(x, layer.Weight, layer.Bias, [factor, factor, factor]);
        Assert.Equal(new long[] { 2, 3, 3 * factor, 4 * factor, 2 * factor }, fast.Shape);
        TensorAssert.Close(reference, plain, 0, 0, "plain path is libtorch's op");
        TensorAssert.Close(plain, fast, 1e-5, 1e-5, "depth-to-space output");
        plain.Mul(r).Sum().Backward();
        TensorAssert.Close(layer.Weight.Grad!, gradFast, 1e-4, 1e-4, "weight gradient");
        Assert.Equal(new long[] { 5, 3, factor, factor, factor }, layer.Weight.Shape);
    }

    [Fact]
    public void DefaultDualTaskVNetHasTheReferenceParameterCountAndNames()
    {
        using var scope = DisposeScope.Open();
        using var net = new VNet();
        Assert.Equal(9_448_883, net.ParameterCount());
        var names = net.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Shape);
        Assert.Equal(new long[] { 16, 1, 3, 3, 3 }, names["block_one.conv.0.weight"]);
        Assert.Equal(new long[] { 16 }, names["block_one.conv.1.weight"]);
        Assert.Equal(new long[] { 256, 256, 3, 3, 3 }, names["block_five.conv.6.weight"]);
        Assert.Equal(new long[] { 256, 128, 2, 2, 2 }, names["block_five_up.conv.0.weight"]);
        Assert.Equal(new long[] { 32, 16, 2, 2, 2 }, names["block_one_dw.conv.0.weight"]);
        Assert.Equal(new long[] { 1, 16, 1, 1, 1 }, names["out_conv.weight"]);
        Assert.Equal(new long[] { 2, 16, 1, 1, 1 }, names["out_conv2.weight"]);
        Assert.Contains("block_nine.conv.0.weight", names.Keys);
        Assert.Equal(["block_one", "block_one_dw", "block_two"], net.ActivationNames.Take(3));
        Assert.Equal("block_nine", net.ActivationNames[^1]);
        using var plain = new VNet(new VNetOptions { DistanceHead = false });
        Assert.Equal(9_448_883 - 17, plain.ParameterCount());
        Assert.Equal(new long[] { 2, 16, 1, 1, 1 }, plain.NamedParameters().Single(p => p.Name == "out_conv.weight").Parameter.Shape);
    }

    [Fact]
    public void SmallVNetRunsAndTheRewriteMatchesThePlainNetwork()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(3);
        var options = new VNetOptions { BaseFilters = 4, Depth = 2, Classes = 3 };
        using var fast = new VNet(options);
        using var plain = new VNet(options with { DepthToSpaceUpsampling = false });
        plain.LoadStateDict(fast.StateDict());
        fast.Eval();
        plain.Eval();
        var x = torch.Randn(2, 1, 8, 12, 4);
        var a = fast.ForwardBoth(x);
        var b = plain.ForwardBoth(x);
        Assert.Equal(new long[] { 2, 3, 8, 12, 4 }, a.Logits.Shape);
        Assert.Equal(new long[] { 2, 2, 8, 12, 4 }, a.Distance!.Shape);
        TensorAssert.Close(b.Logits, a.Logits, 1e-5, 1e-4, "logits");
        TensorAssert.Close(b.Distance!, a.Distance, 1e-5, 1e-4, "distance");
        Assert.True(a.Distance.Abs().Max().ToDouble() <= 1.0);
        var acts = fast.ForwardWithActivations(x, ["block_five", "block_two"]).Activations;
        Assert.Equal(new long[] { 2, 4, 8, 12, 4 }, acts["block_five"].Shape);
        Assert.Equal(new long[] { 2, 8, 4, 6, 2 }, acts["block_two"].Shape);
    }

    [Fact]
    public void InputsNotDivisibleByTheDepthAreRejected()
    {
        using var scope = DisposeScope.Open();
        using var net = new VNet(new VNetOptions { BaseFilters = 2, Depth = 2 });
        var e = Assert.Throws<ArgumentException>(() => net.Forward(torch.Zeros(1, 1, 8, 6, 8)));
        Assert.Contains("divisible by 4", e.Message);
    }
}

/// <summary>The segmentation model registry.</summary>
public class SegmentationModelRegistryTests
{
    [Fact]
    public void NamesBuildTheDualAndPlainVNet()
    {
        using var scope = DisposeScope.Open();
        using var dual = SegmentationModelRegistry.Create("Dual-VNet");
        using var plain = SegmentationModelRegistry.Create("vnet", new VNetOptions { BaseFilters = 4 });
        Assert.Equal(9_448_883, dual.ParameterCount());
        Assert.True(dual.HasDistanceHead);
        Assert.False(plain.HasDistanceHead);
        Assert.Equal(4, plain.Options.BaseFilters);
        Assert.Contains("known segmentation models: dual-vnet, vnet, unet3d", Assert.Throws<ArgumentException>(() => SegmentationModelRegistry.Create("unet")).Message);
    }
}
