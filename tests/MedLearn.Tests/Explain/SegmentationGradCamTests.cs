using MedLearn.Explain;
using MedLearn.Models.Segmentation;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Explain;

/// <summary>
/// 3-D Grad-CAM of segmentation networks against PyTorch (tools/golden/gen_unet3d.py: forward hook + autograd.grad of
/// score = Σ_{argmax = c} logit_c, mean-gradient weights, ReLU, trilinear up-sampling, max-normalised).
/// </summary>
public class SegmentationGradCamTests
{
    private static Golden G => Golden.Load("unet3d");

    private static UNet3d CamNetwork()
    {
        var net = new UNet3d(new UNet3dOptions { BaseFilters = 2, Depth = 2, Classes = 3 });
        var keys = net.StateDict().Keys.ToArray();
        net.LoadStateDict(keys.ToDictionary(k => k, k => G.Tensor("cam.sd." + k)));
        net.Eval();
        return net;
    }

    [Theory]
    [InlineData("up2")]
    [InlineData("down1")]
    [InlineData("down2")]
    public void MapEqualsPyTorchGradCam(string layer)
    {
        using var scope = DisposeScope.Open();
        using var net = CamNetwork();
        var target = (int)G.Value($"cam.{layer}.target");
        var cam = SegmentationGradCam.Compute(net, G.Tensor("cam.input").Squeeze(0), new SegmentationGradCamOptions { Layer = layer, TargetClass = target });
        Assert.Equal((long)G.Value($"cam.{layer}.mask_voxels"), cam.MaskVoxels);
        Assert.False(cam.AllZero);
        Assert.Equal(layer, cam.Layer);
        TensorAssert.Close(G.Tensor($"cam.{layer}"), cam.Map, 1e-4, 1e-3, $"Grad-CAM at {layer}");
        Assert.Equal(1.0, cam.Map.Max().ToDouble(), 6);
    }

    [Fact]
    public void PaddedVolumesKeepTheirShapeAndEmptyMasksGiveAZeroMap()
    {
        using var scope = DisposeScope.Open();
        using var net = CamNetwork();
        var x = G.Tensor("cam.input").Squeeze(0).Narrow(1, 0, 7).Narrow(3, 0, 5); // 7 x 8 x 5: not multiples of 4
        var cam = SegmentationGradCam.Compute(net, x, new SegmentationGradCamOptions { TargetClass = 2 });
        Assert.Equal(new long[] { 7, 8, 5 }, cam.Map.Shape);
        Assert.Equal("up2", cam.Layer);
        Assert.True(cam.MaskVoxels > 0);
        Assert.InRange(cam.Map.Min().ToDouble(), 0, 1);

        // a class the network never predicts here: the score has no voxels, the map is zero (no division by zero)
        using var biased = CamNetwork();
        using (GradMode.NoGrad()) biased.NamedParameters().Single(p => p.Name == "outc.conv.bias").Parameter.Select(0, 0).Add_(1000);
        var empty = SegmentationGradCam.Compute(biased, x, new SegmentationGradCamOptions { TargetClass = 1 });
        Assert.True(empty.AllZero);
        Assert.Equal(0, empty.MaskVoxels);
        Assert.Equal(0.0, empty.Map.Abs().Max().ToDouble());

        Assert.Contains("inc, down1, down2, up1, up2", Assert.Throws<ArgumentException>(() =>
            SegmentationGradCam.Compute(net, x, new SegmentationGradCamOptions { Layer = "block_nine" })).Message);
        Assert.Contains("classes 0..2", Assert.Throws<ArgumentException>(() =>
            SegmentationGradCam.Compute(net, x, new SegmentationGradCamOptions { TargetClass = 3 })).Message);
        net.Train();
        Assert.Throws<InvalidOperationException>(() => SegmentationGradCam.Compute(net, x));
    }

    [Fact]
    public void MontageSlicesSpreadOverThePositiveRange()
    {
        using var scope = DisposeScope.Open();
        var values = new float[20 * 9];
        for (var z = 4; z < 14; z++) values[z * 9 + 4] = 0.5f; // slices 4..13 at the maximum
        values[2 * 9] = 0.04f; values[17 * 9] = 0.04f;          // below a tenth of it: not part of the range
        var map = torch.FromArray(values, 20, 3, 3);
        Assert.Equal([5, 9, 12], SaliencyOverlay.MontageSlices(map, 3)); // 4 + round((i + ½)·10/3 − ½), halves away from zero
        Assert.Equal([0, 1, 2], SaliencyOverlay.MontageSlices(torch.Zeros(3, 2, 2), 6)); // nothing positive: all slices, at most D
        var picture = SaliencyOverlay.RenderMontage(torch.Zeros(1, 20, 3, 3), map, [5, 8, 12], new OverlayOptions { Scale = 2 });
        Assert.Equal(DType.UInt8, picture.DType);
        Assert.True(picture.Size(1) >= 3 * 6 + 2 * 4, $"three rows of 3·2 pixels with gaps, got height {picture.Size(1)}");
        Assert.True(picture.Size(2) > 2 * 6 + 4, "image | overlay side by side, then the colour bar");
        // the slice number "12" is drawn in yellow in the third row's image panel (the volume is black there)
        var big = SaliencyOverlay.RenderMontage(torch.Zeros(1, 20, 3, 3), map, [5, 8, 12], new OverlayOptions { Scale = 8 });
        var rowHeight = 3 * 8;
        var third = big.Narrow(1, 2 * (rowHeight + 4), rowHeight).Narrow(2, 0, 3 * 8);
        var yellow = third.Select(0, 0).Eq(255).LogicalAnd(third.Select(0, 1).Eq(230)).LogicalAnd(third.Select(0, 2).Eq(0));
        Assert.True(yellow.Sum().ToInt64() > 0, "slice number drawn");
        Assert.Contains("0..19", Assert.Throws<ArgumentException>(() => SaliencyOverlay.RenderMontage(torch.Zeros(1, 20, 3, 3), map, [20])).Message);
    }
}
