using FsCheck;
using FsCheck.Fluent;
using MedLearn.Data;
using MedLearn.Data.Transforms;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Transforms;

public class MoreTransformTests
{
    [Fact]
    public void FlipAndRot90PropertiesOverRandomShapes()
    {
        Prop.ForAll(Gen.Choose(1, 5).ToArbitrary(), Gen.Choose(1, 6).ToArbitrary(), Gen.Choose(-5, 5).ToArbitrary(), (h, w, k) =>
        {
            using var scope = DisposeScope.Open();
            var x = T.Ramp(2, h, w);
            var s = T.S(x.Alias(), x.Narrow(0, 0, 1).Long());
            T.Run(new Flip(0, 1), s);
            T.Run(new Flip(0, 1), s);
            T.Run(new Rotate90(k), s);
            var expected = (((k % 4) + 4) % 4) switch
            {
                0 => x.Alias(),
                1 => x.Transpose(1, 2).Flip(1),
                2 => x.Flip(1, 2),
                _ => x.Transpose(1, 2).Flip(2),
            };
            return expected.Equal(s.Image) && s.Image.Narrow(0, 0, 1).Long().Equal(s.Mask!);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void TransformsFreeTheirIntermediates()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            var s = T.S(torch.Rand(3, 20, 20), torch.Zeros([1, 20, 20], DType.Int64));
            var before = scope.Count;
            var pipeline = new Compose(new RandomAffine(15, [0.1, 0.1]), new ColorJitter(0.2, 0.2, 0.2, 0.05),
                new GaussianBlur(kernelSize: 5), new ScaleIntensityRangePercentiles(1, 99), new NormalizeIntensity(nonzero: true),
                new Resize(10, 12), new CenterCrop(8));
            using (var ctx = T.Ctx(1)) pipeline.Apply(s, ctx);
            // each step leaves at most its image and mask in the caller's scope
            Assert.InRange(scope.Count - before, 2, 2 * pipeline.Transforms.Count);
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void ColorJitterZeroIsIdentityAndDrawsAreReproducible()
    {
        using var scope = DisposeScope.Open();
        var x = torch.Rand(3, 6, 6);
        TensorAssert.Close(x, T.Run(new ColorJitter(), T.S(x.Alias())).Image, 0);
        var j = new ColorJitter(0.4, 0.4, 0.4, 0.1);
        var a = T.Run(j, T.S(x.Alias()), index: 2).Image;
        var b = T.Run(j, T.S(x.Alias()), index: 2).Image;
        Assert.True(a.Equal(b));
        Assert.True(a.Min().ToDouble() >= 0 && a.Max().ToDouble() <= 1);
        var rng = new Random(1);
        for (var i = 0; i < 200; i++)
        {
            var (order, bf, cf, sf, hf) = j.GetParams(rng);
            Assert.Equal([0, 1, 2, 3], order.Order().ToArray());
            Assert.InRange(bf!.Value, 0.6, 1.4);
            Assert.InRange(cf!.Value, 0.6, 1.4);
            Assert.InRange(sf!.Value, 0.6, 1.4);
            Assert.InRange(hf!.Value, -0.1, 0.1);
        }
        // gray 3-D volume: brightness/contrast apply, saturation/hue are no-ops
        var v = T.Run(new ColorJitter(0.5, 0.5, 0.5, 0.5), T.S(torch.Rand(1, 3, 4, 5)));
        Assert.Equal([1L, 3, 4, 5], v.Image.Shape);
    }

    [Fact]
    public void BlurKeepsConstantsIn2DAnd3D()
    {
        using var scope = DisposeScope.Open();
        var c2 = T.Run(new GaussianBlur((0.5, 1.5)), T.S(torch.Full([2, 7, 8], 0.3)));
        TensorAssert.Close(torch.Full([2, 7, 8], 0.3), c2.Image, 1e-6);
        var c3 = T.Run(new GaussianBlur((0.5, 1.5), 3), T.S(torch.Full([1, 4, 5, 6], 0.7)));
        TensorAssert.Close(torch.Full([1, 4, 5, 6], 0.7), c3.Image, 1e-6);
        // separable 3-D blur of an impulse is the outer product of three 1-D kernels
        var imp = Functional.Pad(torch.Ones(1, 1, 1, 1), [2, 2, 2, 2, 2, 2]);
        var b = GaussianBlur.Blur(imp, 0.8, 3, 3);
        var k = GaussianBlur.Kernel1d(3, 0.8);
        Assert.Equal(k[1] * k[1] * k[1], b.Select(1, 2).Select(1, 2).Select(1, 2).ToDouble(), 5);
        Assert.Equal(k[0] * k[1] * k[2], b.Select(1, 1).Select(1, 2).Select(1, 3).ToDouble(), 5);
        // tiny axis: replicate instead of reflect
        Assert.Equal([1L, 1, 5], GaussianBlur.Blur(torch.Rand(1, 1, 5), 1.0, 5, 2).Shape);
    }

    [Fact]
    public void ResizeAndCropKeepWorldPositionsConsistent()
    {
        using var scope = DisposeScope.Open();
        double[] affine = [2, 0, 0, 10, 0, 3, 0, 20, 0, 0, 1, 0, 0, 0, 0, 1]; // i (W) 2 mm, j (H) 3 mm
        var meta = new ImageMeta { Spacing = [3, 2], Affine = affine, SpatialDims = 2 };
        var s = T.Run(new Resize(4, 8), T.S(torch.Rand(1, 8, 4), meta: meta));
        Assert.Equal([6.0, 1.0], s.Meta.Spacing);
        // new voxel (0, 0) centre = old continuous voxel (−0.25, 0.5) along (W, H)
        Assert.Equal(10 + 2 * -0.25, s.Meta.Origin[0], 12);
        Assert.Equal(20 + 3 * 0.5, s.Meta.Origin[1], 12);
        Assert.Equal(1.0, s.Meta.Affine[0], 12);
        Assert.Equal(6.0, s.Meta.Affine[5], 12);
        var c = T.Run(new CenterCrop(2, 4), T.S(torch.Rand(1, 6, 8), meta: meta));
        Assert.Equal(10 + 2 * 2, c.Meta.Origin[0], 12);
        Assert.Equal(20 + 3 * 2, c.Meta.Origin[1], 12);
    }

    [Fact]
    public void RandomRotate90AndReflectRandomCrop()
    {
        using var scope = DisposeScope.Open();
        var x = T.Ramp(1, 4, 4);
        var shapes = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            var s = T.Run(new RandomRotate90(1.0), T.S(x.Alias()), index: i);
            Assert.False(x.Equal(s.Image));
            shapes.Add(string.Join(",", s.Image.ToArray<float>().Take(2)));
        }
        Assert.Equal(3, shapes.Count);
        var c = T.Run(new RandomCrop([6, 6], padding: 1, paddingMode: PadMode.Reflect), T.S(x.Alias(), x.Long()));
        Assert.Equal([1L, 6, 6], c.Image.Shape);
        Assert.Equal(x.Select(1, 1).Select(1, 1).ToDouble(), c.Image.Select(1, 0).Select(1, 0).ToDouble());
        Assert.Equal(0L, c.Mask!.Select(1, 0).Select(1, 0).ToInt64());
    }
}
