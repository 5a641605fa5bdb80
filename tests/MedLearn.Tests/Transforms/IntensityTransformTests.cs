using MedLearn.Data;
using MedLearn.Data.Transforms;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Transforms;

public class IntensityTransformTests
{
    [Fact]
    public void ZScoreGivesMeanZeroStdOneAndConstantGivesZeros()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            var s = T.Run(new NormalizeIntensity(), T.S(torch.Rand(2, 7, 9).Mul(5).Add(3), T.Ramp(1, 7, 9).Long()));
            Assert.Equal(0, s.Image.Mean().ToDouble(), 5);
            Assert.Equal(1, s.Image.Std(correction: 0).ToDouble(), 4);
            Assert.Equal(DType.Int64, s.Mask!.DType);
            var c = T.Run(new NormalizeIntensity(), T.S(torch.Full([1, 4, 4], 7.0)));
            Assert.Equal(0, c.Image.Abs().Max().ToDouble());
            // nonzero: zeros stay, the nonzero voxels are standardised
            var x = torch.FromArray(new float[] { 0, 2, 4, 0, 6, 0 }, 1, 2, 3);
            var nz = T.Run(new NormalizeIntensity(nonzero: true), T.S(x));
            var sd = Math.Sqrt(8.0 / 3);
            TensorAssert.Close([0, -2 / sd, 0, 0, 2 / sd, 0], nz.Image.To(DType.Float64).ToArray<double>(), 1e-5);
            var allZero = T.Run(new NormalizeIntensity(nonzero: true), T.S(torch.Zeros(1, 3, 3)));
            Assert.Equal(0, allZero.Image.Abs().Sum().ToDouble());
            var cw = T.Run(new NormalizeIntensity(channelWise: true), T.S(torch.Rand(3, 5, 5).Add(torch.FromArray(new float[] { 0, 10, 100 }, 3, 1, 1))));
            TensorAssert.Close(torch.Zeros(3), cw.Image.Mean([1, 2]), 1e-4);
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void NormalizeWithGivenMeanStdAndWindowCentre()
    {
        using var scope = DisposeScope.Open();
        var x = torch.Rand(3, 4, 5);
        var s = T.Run(Normalize.ImageNet(), T.S(x.Alias()));
        var m = torch.FromArray(Normalize.ImageNetMean.ToArray(), 3, 1, 1).Float();
        var sd = torch.FromArray(Normalize.ImageNetStd.ToArray(), 3, 1, 1).Float();
        TensorAssert.Close(x.Sub(m).Div(sd), s.Image, 1e-6);
        Assert.Throws<ArgumentException>(() => new Normalize([0.5], [0]));

        var meta = new ImageMeta { WindowCenter = 40, WindowWidth = 400 };
        var hu = torch.FromArray(new float[] { -1000, -160, 40, 240, 3000 }, 1, 1, 5);
        var w = T.Run(new Window(), T.S(hu, meta: meta));
        TensorAssert.Close([0, 0, 0.5, 1, 1], w.Image.To(DType.Float64).ToArray<double>(), 1e-6);
        Assert.Throws<InvalidOperationException>(() => T.Run(new Window(), T.S(torch.Zeros(1, 2, 2))));
    }

    [Fact]
    public void PercentilesClipAndScale()
    {
        using var scope = DisposeScope.Open();
        var x = T.Ramp(1, 10, 10); // 0..99
        var q = ScaleIntensityRangePercentiles.Percentile(x, [0, 2, 50, 100])!;
        TensorAssert.Close([0, 1.98, 49.5, 99], q, 1e-9);
        var s = T.Run(new ScaleIntensityRangePercentiles(0, 100), T.S(x.Alias()));
        TensorAssert.Close(x.Div(99), s.Image, 1e-6);
        var clipped = T.Run(new ScaleIntensityRangePercentiles(10, 90, clip: true), T.S(x.Alias()));
        Assert.Equal(0, clipped.Image.Min().ToDouble());
        Assert.Equal(1, clipped.Image.Max().ToDouble());
        var c = T.Run(new ScaleIntensityRangePercentiles(5, 95, bMin: 2), T.S(torch.Full([1, 3, 3], 4.0)));
        TensorAssert.Close(torch.Full([1, 3, 3], 2.0), c.Image);
        var clip = T.Run(Clip.Percentiles(10, 90), T.S(x.Alias()));
        TensorAssert.Close([9.9, 89.1], [clip.Image.Min().ToDouble(), clip.Image.Max().ToDouble()], 1e-4);
        var nan = torch.FromArray(new float[] { float.NaN, 1, 2, 3 }, 1, 2, 2);
        TensorAssert.Close([1, 3], ScaleIntensityRangePercentiles.Percentile(nan, [0, 100])!, 1e-9);
        var fixedClip = T.Run(new Clip(10, 20), T.S(x.Alias()));
        Assert.Equal(20, fixedClip.Image.Max().ToDouble());
    }

    [Fact]
    public void ScaleIntensityAndChannels()
    {
        using var scope = DisposeScope.Open();
        var u8 = torch.FromArray(new byte[] { 0, 51, 255, 102 }, 1, 2, 2);
        var s = T.Run(new ScaleIntensity(), T.S(u8));
        TensorAssert.Close([0, 0.2, 1, 0.4], s.Image.To(DType.Float64).ToArray<double>(), 1e-6);
        var i32 = torch.FromArray(new int[] { 0, 4095 }, 1, 1, 2);
        var d = T.Run(new ScaleIntensity(), T.S(i32, meta: new ImageMeta { BitsStored = 12 }));
        TensorAssert.Close([0, 1], d.Image.To(DType.Float64).ToArray<double>(), 1e-6);
        Assert.Equal(DType.Float32, T.Run(new ToFloat(), T.S(u8)).Image.DType);

        var g = torch.Rand(1, 3, 4);
        var rgb = T.Run(new ToChannels(3), T.S(g.Alias()));
        Assert.Equal([3L, 3, 4], rgb.Image.Shape);
        Assert.Equal("rgb", rgb.Meta.ColorSpace);
        // gray -> rgb -> gray: luminance weights sum to 0.9999
        var back = T.Run(new ToChannels(1), rgb);
        TensorAssert.Close(g.Mul(0.9999), back.Image, 1e-6);
        Assert.Equal([6L, 3, 4], T.Run(new RepeatChannels(2), T.S(torch.Rand(3, 3, 4))).Image.Shape);
        var hw = T.Run(new EnsureChannelFirst(), T.S(torch.Rand(3, 4), meta: new ImageMeta { SpatialDims = 2 }));
        Assert.Equal([1L, 3, 4], hw.Image.Shape);
        var hwc = T.Run(new EnsureChannelFirst(channelLast: true), T.S(torch.Rand(3, 4, 3), meta: new ImageMeta { SpatialDims = 2 }));
        Assert.Equal([3L, 3, 4], hwc.Image.Shape);
    }

    [Fact]
    public void NoiseAndCombinators()
    {
        using var scope = DisposeScope.Open();
        var x = torch.Zeros(1, 64, 64);
        var n = T.Run(new GaussianNoise(0.5, probability: 1), T.S(x.Alias()));
        Assert.Equal(0.5, n.Image.Std().ToDouble(), 1);
        var none = T.Run(new GaussianNoise(0.5, probability: 0), T.S(x.Alias()));
        Assert.True(x.Equal(none.Image));
        Assert.Same(x, T.Run(new RandApply(new Flip(), 0), T.S(x)).Image);
        var flipped = T.Run(new RandApply(new Flip(), 1), T.S(T.Ramp(1, 2, 3)));
        Assert.True(T.Ramp(1, 2, 3).Flip(2).Equal(flipped.Image));
        var one = T.Run(new OneOf([new Flip(-1), new Flip(-2)], [0, 1]), T.S(T.Ramp(1, 2, 3)));
        Assert.True(T.Ramp(1, 2, 3).Flip(1).Equal(one.Image));
    }
}
