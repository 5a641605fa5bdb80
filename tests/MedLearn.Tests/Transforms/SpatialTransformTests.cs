using MedLearn.Data;
using MedLearn.Data.Transforms;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Transforms;

public class SpatialTransformTests
{
    [Fact]
    public void FlipTwiceIsIdentityAndEqualsReversedIndex()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            var x = T.Ramp(2, 3, 4);
            var s = T.Run(new Flip(-1), T.S(x, T.Ramp(1, 3, 4).Long()));
            var rev = x.IndexSelect(2, torch.FromArray(new long[] { 3, 2, 1, 0 }, 4));
            Assert.True(rev.Equal(s.Image));
            Assert.True(T.Ramp(1, 3, 4).Long().Flip(2).Equal(s.Mask!));
            T.Run(new Flip(-1), s);
            Assert.True(x.Equal(s.Image));
            var v = T.Ramp(1, 2, 3, 4);
            var s3 = T.Run(new Flip(0, 1, 2), T.S(v));
            Assert.True(v.Flip(1, 2, 3).Equal(s3.Image));
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void Rot90FourTimesIsIdentityAndEqualsTransposeFlip()
    {
        using var scope = DisposeScope.Open();
        var x = T.Ramp(1, 3, 5);
        var s = T.S(x, T.Ramp(1, 3, 5).Long(), new ImageMeta { Spacing = [2, 3] });
        T.Run(new Rotate90(1), s);
        Assert.Equal([1L, 5, 3], s.Image.Shape);
        Assert.Equal([3.0, 2.0], s.Meta.Spacing);
        // rot90 k=1 in (H, W): y = flip(transpose(x), H) i.e. y[i, j] = x[j, W-1-i]
        Assert.True(x.Transpose(1, 2).Flip(1).Equal(s.Image));
        Assert.Equal(s.Image.Long().ToArray<long>(), s.Mask!.ToArray<long>());
        for (var i = 0; i < 3; i++) T.Run(new Rotate90(1), s);
        Assert.True(x.Equal(s.Image));
        // 3-D in the (D, W) plane
        var v = T.Ramp(1, 2, 3, 4);
        var sv = T.Run(new Rotate90(3, (0, 2)), T.S(v));
        Assert.Equal([1L, 4, 3, 2], sv.Image.Shape);
        T.Run(new Rotate90(1, (0, 2)), sv);
        Assert.True(v.Equal(sv.Image));
    }

    [Fact]
    public void CenterCropPicksCentreBlockAndPadsWhenLarger()
    {
        using var scope = DisposeScope.Open();
        var x = T.Ramp(1, 6, 7);
        var s = T.Run(new CenterCrop(2, 3), T.S(x, T.Ramp(1, 6, 7).Long()));
        // start = round((6-2)/2)=2, round((7-3)/2)=2
        Assert.True(x.Narrow(1, 2, 2).Narrow(2, 2, 3).Equal(s.Image));
        Assert.True(s.Image.Long().Equal(s.Mask!));
        Assert.Equal(2.0, s.Meta.Origin[1]);
        Assert.Equal(2.0, s.Meta.Origin[0]);
        var p = T.Run(new CenterCrop(9, 8), T.S(T.Ramp(1, 6, 7)));
        Assert.Equal([1L, 9, 8], p.Image.Shape);
        // pad before = (9-6)/2 = 1 rows, (8-7)/2 = 0 cols
        Assert.True(x.Equal(p.Image.Narrow(1, 1, 6).Narrow(2, 0, 7)));
        Assert.Equal(0, p.Image.Narrow(1, 0, 1).Abs().Sum().ToDouble());
    }

    [Fact]
    public void SpatialPadSizesAndRandomCropBounds()
    {
        using var scope = DisposeScope.Open();
        var s = T.Run(new SpatialPad([5, 9]), T.S(T.Ramp(2, 3, 4), T.Ramp(1, 3, 4).Long()));
        Assert.Equal([2L, 5, 9], s.Image.Shape);
        Assert.Equal([1L, 5, 9], s.Mask!.Shape);
        Assert.Equal<(long, long)>([(1L, 1L), (2L, 3L)], new SpatialPad([5, 9]).Padding([3, 4]));
        Assert.Equal<(long, long)>([(0L, 0L), (0L, 5L)], new SpatialPad([2, 9], PadMethod.End).Padding([3, 4]));
        var r = T.Run(new SpatialPad([5, 6], mode: PadMode.Reflect), T.S(T.Ramp(1, 3, 4)));
        Assert.Equal([1L, 5, 6], r.Image.Shape);

        var x = T.Ramp(1, 8, 8);
        for (var i = 0; i < 20; i++)
        {
            var c = T.Run(new RandomCrop([3, 5]), T.S(x.Alias(), x.Long()), index: i);
            Assert.Equal([1L, 3, 5], c.Image.Shape);
            Assert.True(c.Image.Long().Equal(c.Mask!));
            // the crop is a contiguous block of the ramp: first value v, row stride 8
            var v = (long)c.Image.Flatten().Select(0, 0).ToDouble();
            var (top, left) = (v / 8, v % 8);
            Assert.True(top <= 5 && left <= 3);
            Assert.True(x.Narrow(1, top, 3).Narrow(2, left, 5).Equal(c.Image));
        }
        var padded = T.Run(new RandomCrop([10, 10], padIfNeeded: true), T.S(T.Ramp(1, 8, 8)));
        Assert.Equal([1L, 10, 10], padded.Image.Shape);
        Assert.Throws<ArgumentException>(() => T.Run(new RandomCrop([10, 10]), T.S(T.Ramp(1, 8, 8))));
    }

    [Fact]
    public void MaskImageMismatchNamesBothShapes()
    {
        using var scope = DisposeScope.Open();
        var ex = Assert.Throws<ArgumentException>(() => T.Run(new Flip(), T.S(T.Ramp(1, 4, 5), T.Ramp(1, 4, 6).Long())));
        Assert.Contains("[1, 4, 6]", ex.Message);
        Assert.Contains("[1, 4, 5]", ex.Message);
        Assert.Throws<ArgumentException>(() => T.Run(new Resize(3, 3), T.S(T.Ramp(1, 4, 5), T.Ramp(1, 5, 5).Long())));
    }

    [Fact]
    public void ResizeOfConstantIsConstantAndRampMatchesInterpolate()
    {
        using var scope = DisposeScope.Open();
        var c = T.Run(new Resize(7, 13), T.S(torch.Full([2, 5, 6], 3.25)));
        TensorAssert.Close(torch.Full([2, 7, 13], 3.25), c.Image, 1e-6);
        var ramp = T.Ramp(1, 4, 6);
        var s = T.Run(new Resize(9, 5), T.S(ramp, meta: new ImageMeta { Spacing = [2, 3] }));
        var expected = Functional.Interpolate(ramp.Unsqueeze(0), [9, 5], mode: InterpolateMode.Bilinear, alignCorners: false).Squeeze(0);
        TensorAssert.Close(expected, s.Image, 1e-6);
        Assert.Equal(2.0 * 4 / 9, s.Meta.Spacing[0], 12);
        Assert.Equal(3.0 * 6 / 5, s.Meta.Spacing[1], 12);
        // along W (a linear ramp with slope 1 per pixel) interior values follow x_in = (j + 0.5)·6/5 − 0.5
        var row = s.Image.Select(0, 0).Select(0, 4).ToArray<float>();
        var rowStart = row[0] - (float)((0 + 0.5) * 6 / 5 - 0.5);
        for (var j = 1; j < 4; j++) Assert.Equal((j + 0.5) * 6 / 5 - 0.5, row[j] - rowStart, 4);
        // shorter side like torchvision Resize(256)
        Assert.Equal([6L, 7], new Resize(6L).OutputSize([11, 14]));
        Assert.Equal([9L, 6], new Resize(6L).OutputSize([11, 7]));
        Assert.Equal([4L, 8], new Resize(6L, maxSize: 8).OutputSize([10, 20]));
        // 3-D trilinear
        var v = T.Run(new Resize(3, 4, 5), T.S(T.Ramp(1, 2, 3, 4)));
        Assert.Equal([1L, 3, 4, 5], v.Image.Shape);
    }

    [Fact]
    public void MaskStaysBinaryAfterAffineAndResize()
    {
        using var scope = DisposeScope.Open();
        var mask = Functional.Pad(torch.Full([1, 8, 7], 2, DType.Int64), [3, 6, 4, 4]);
        var s = T.S(torch.Rand(3, 16, 16), mask);
        T.Run(new RandomAffine(30, [0.1, 0.1], (0.8, 1.2), [5]), s, index: 3);
        T.Run(new Resize(23, 11), s);
        Assert.Equal(DType.Int64, s.Mask!.DType);
        var values = s.Mask.ToArray<long>().Distinct().Order().ToArray();
        Assert.True(values.All(v => v is 0 or 2), string.Join(",", values));
        Assert.Contains(2L, values);
        // 3-D
        var m3 = Functional.Pad(torch.Ones([1, 4, 4, 4], DType.UInt8), [2, 2, 2, 2, 2, 2]);
        var s3 = T.Run(new RandomAffine(20, [0.1, 0.1, 0.1], (0.9, 1.1)), T.S(torch.Rand(1, 8, 8, 8), m3));
        Assert.True(s3.Mask!.ToArray<byte>().All(v => v is 0 or 1));
    }

    [Fact]
    public void AffineIdentityAndQuarterTurnMatchExactOps()
    {
        using var scope = DisposeScope.Open();
        var x = torch.Rand(2, 6, 6);
        var id = RandomAffine.ApplyParameters(T.S(x.Alias()), AffineParameters.Identity(2));
        TensorAssert.Close(x, id.Image, 1e-5);
        var v = torch.Rand(1, 4, 5, 6);
        var id3 = RandomAffine.ApplyParameters(T.S(v.Alias()), AffineParameters.Identity(3));
        TensorAssert.Close(v, id3.Image, 1e-5);
        // a 90° in-plane turn of a square image is an exact permutation (same as the 2-D path, slice by slice)
        var q2 = RandomAffine.ApplyParameters(T.S(x.Alias()), new AffineParameters([90], [0, 0]), GridSampleMode.Nearest);
        var rotated = new[] { x.Transpose(1, 2).Flip(1), x.Transpose(1, 2).Flip(2) };
        Assert.Contains(rotated, r => r.AllClose(q2.Image, 1e-5, 1e-5));
        var cube = torch.Rand(1, 3, 6, 6);
        var q3 = RandomAffine.ApplyParameters(T.S(cube.Alias()), new AffineParameters([90, 0, 0], [0, 0, 0]), GridSampleMode.Nearest);
        var per = RandomAffine.ApplyParameters(T.S(cube.Select(1, 1).Alias()), new AffineParameters([90], [0, 0]), GridSampleMode.Nearest);
        TensorAssert.Close(per.Image, q3.Image.Select(1, 1), 1e-5);
    }

    [Fact]
    public void RandomResizedCropParamsFollowTorchvision()
    {
        var rng = new Random(5);
        for (var i = 0; i < 500; i++)
        {
            var (top, left, h, w) = RandomResizedCrop.GetParams(40, 60, (0.08, 1), (3.0 / 4, 4.0 / 3), rng);
            Assert.InRange(h, 1, 40);
            Assert.InRange(w, 1, 60);
            Assert.InRange(top, 0, 40 - h);
            Assert.InRange(left, 0, 60 - w);
            // rounding of w and h moves area/ratio by at most a pixel
            Assert.InRange(w * h, 0.08 * 2400 * 0.7, 2400);
            Assert.True((w + 0.5) / Math.Max(h - 0.5, 1e-9) >= 0.75 && (w - 0.5) / (h + 0.5) <= 4.0 / 3, $"{w}x{h}");
        }
        // scale > 1 can never fit: falls back to the central crop, narrowed to the ratio bounds
        Assert.Equal((0L, 0L, 40L, 60L), RandomResizedCrop.GetParams(40, 60, (2, 3), (1.0, 2.0), rng));
        Assert.Equal((0L, 10L, 40L, 40L), RandomResizedCrop.GetParams(40, 60, (2, 3), (0.5, 1.0), rng));
        Assert.Equal((10L, 0L, 40L, 60L), RandomResizedCrop.GetParams(60, 60, (2, 3), (1.5, 2.0), rng));
        Assert.Equal(RandomResizedCrop.Fallback(60, 60, (1.5, 2.0)), (10L, 0L, 40L, 60L));
        using var scope = DisposeScope.Open();
        var s = T.Run(new RandomResizedCrop([12, 10]), T.S(torch.Rand(3, 30, 40), torch.Ones([1, 30, 40], DType.Int64)));
        Assert.Equal([3L, 12, 10], s.Image.Shape);
        Assert.Equal([1L, 12, 10], s.Mask!.Shape);
    }
}
