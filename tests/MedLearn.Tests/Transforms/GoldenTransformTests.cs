using MedLearn.Data.Transforms;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Transforms;

/// <summary>Against torchvision.transforms.functional (tools/golden/gen_data_transforms.py).</summary>
public class GoldenTransformTests
{
    private static Golden G => Golden.Load("transforms");

    [Theory]
    [InlineData("resize_7x9", 7, 9)]
    [InlineData("resize_up_17x19", 17, 19)]
    public void ResizeMatchesTorchvision(string name, long h, long w)
    {
        using var scope = DisposeScope.Open();
        var s = T.Run(new Resize(h, w), T.S(G.Tensor("rgb")));
        TensorAssert.Close(G.Tensor(name), s.Image, 1e-5);
    }

    [Fact]
    public void ShorterSideResizeTrilinearAndResizedCropMatch()
    {
        using var scope = DisposeScope.Open();
        var s = T.Run(new Resize(6L), T.S(G.Tensor("rgb")));
        TensorAssert.Close(G.Tensor("resize_short_6"), s.Image, 1e-5);
        var v = T.Run(new Resize(4, 8, 5), T.S(G.Tensor("vol")));
        TensorAssert.Close(G.Tensor("resize_vol_4x8x5"), v.Image, 1e-5);
        var c = RandomResizedCrop.ResizedCrop(T.S(G.Tensor("rgb")), 2, 3, 7, 8, [10, 10]);
        TensorAssert.Close(G.Tensor("resized_crop"), c.Image, 1e-5);
    }

    [Theory]
    [InlineData("affine_rot", 30.0, 0, 0, 1.0, 0.0, 0.0)]
    [InlineData("affine_all", -17.0, 2, -1, 1.2, 10.0, -5.0)]
    [InlineData("affine_scale", 0.0, 1, 2, 0.8, 0.0, 0.0)]
    public void AffineMatchesTorchvision(string name, double angle, double tx, double ty, double scale, double shx, double shy)
    {
        using var scope = DisposeScope.Open();
        var p = new AffineParameters([angle], [tx, ty], scale, [shx, shy]);
        var s = RandomAffine.ApplyParameters(T.S(G.Tensor("rgb")), p);
        TensorAssert.Close(G.Tensor(name), s.Image, 1e-4, 1e-3);
    }

    [Fact]
    public void ColourAdjustmentsMatchTorchvision()
    {
        using var scope = DisposeScope.Open();
        var rgb = G.Tensor("rgb");
        TensorAssert.Close(G.Tensor("brightness_1.3"), ColorOps.AdjustBrightness(rgb, 1.3), 1e-6);
        TensorAssert.Close(G.Tensor("contrast_0.6"), ColorOps.AdjustContrast(rgb, 0.6), 1e-6);
        TensorAssert.Close(G.Tensor("contrast_gray_1.4"), ColorOps.AdjustContrast(G.Tensor("gray"), 1.4), 1e-6);
        TensorAssert.Close(G.Tensor("saturation_1.7"), ColorOps.AdjustSaturation(rgb, 1.7), 1e-6);
        TensorAssert.Close(G.Tensor("hue_0.2"), ColorOps.AdjustHue(rgb, 0.2), 1e-5);
        TensorAssert.Close(G.Tensor("hue_-0.35"), ColorOps.AdjustHue(rgb, -0.35), 1e-5);
        TensorAssert.Close(G.Tensor("grayscale"), ColorOps.Grayscale(rgb), 1e-6);
        // HSV round trip
        TensorAssert.Close(rgb, ColorOps.HsvToRgb(ColorOps.RgbToHsv(rgb)), 1e-5);
    }

    [Fact]
    public void BlurAndNormalizeMatchTorchvision()
    {
        using var scope = DisposeScope.Open();
        TensorAssert.Close(G.Tensor("blur_5_1.1"), GaussianBlur.Blur(G.Tensor("rgb"), 1.1, 5, 2), 1e-5);
        TensorAssert.Close(G.Tensor("blur_3_0.6"), GaussianBlur.Blur(G.Tensor("gray"), 0.6, 3, 2), 1e-5);
        var n = T.Run(Normalize.ImageNet(), T.S(G.Tensor("rgb")));
        TensorAssert.Close(G.Tensor("normalize_imagenet"), n.Image, 1e-5);
        var q = ScaleIntensityRangePercentiles.Percentile(G.Tensor("rgb"), [2, 50, 98])!;
        TensorAssert.Close(G.Data("quantiles"), q, 1e-7);
    }
}
