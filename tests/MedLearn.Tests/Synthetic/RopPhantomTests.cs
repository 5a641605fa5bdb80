using MedLearn.Data.Synthetic;
using MedLearn.Torch;

namespace MedLearn.Tests.Synthetic;

public class RopPhantomTests
{
    private static readonly RopPhantomGenerator Gen = new(new RopPhantomOptions { Size = 64, Seed = 11 });

    [Fact]
    public void SameSeedAndIndexGiveTheSameImage_OtherIndexOrSeedDiffers()
    {
        using var scope = DisposeScope.Open();
        var a = Gen.Generate(5);
        Assert.True(a.Equal(Gen.Generate(5)));
        Assert.True(a.Equal(new RopPhantomGenerator(new RopPhantomOptions { Size = 64, Seed = 11 }).Generate(5)));
        Assert.False(a.Equal(Gen.Generate(6, RopPhantomGenerator.StageOf(5))));
        Assert.False(a.Equal(new RopPhantomGenerator(new RopPhantomOptions { Size = 64, Seed = 12 }).Generate(5)));
    }

    [Fact]
    public void ImageIsRgbFloatInUnitRangeWithDarkCorners()
    {
        using var scope = DisposeScope.Open();
        for (var i = 0; i < 4; i++)
        {
            var img = Gen.Generate(i);
            Assert.Equal([3L, 64, 64], img.Shape);
            Assert.Equal(DType.Float32, img.DType);
            Assert.True(img.Min().ToDouble() >= 0 && img.Max().ToDouble() <= 1);
            Assert.True(img.Narrow(1, 0, 4).Narrow(2, 0, 4).Mean().ToDouble() < 0.05, "background outside the fundus is black");
            var centre = img.Narrow(1, 24, 16).Narrow(2, 24, 16).Mean(1).Mean(1).ToArray<float>();
            Assert.True(centre[0] > centre[1] && centre[0] > centre[2], "the fundus is red-dominant");
        }
    }

    [Fact]
    public void BalancedStagesCycleThroughTheFourClasses()
    {
        Assert.Equal([RopStage.Normal, RopStage.Stage1, RopStage.Stage2, RopStage.Stage3, RopStage.Normal],
            Enumerable.Range(0, 5).Select(i => RopPhantomGenerator.StageOf(i)));
    }

    [Fact]
    public void LineAndRidgeBrightenTheBorderArc()
    {
        using var scope = DisposeScope.Open();
        for (var i = 0; i < 8; i++)
        {
            var band = Gen.RidgeMask(i);
            Assert.True(band.Sum().ToInt64() > 5, $"index {i}: the arc has pixels");
            double OnArc(RopStage s) => Gen.Generate(i, s).Mean(0).MaskedSelect(band).Mean().ToDouble();
            var (s0, s1, s2) = (OnArc(RopStage.Normal), OnArc(RopStage.Stage1), OnArc(RopStage.Stage2));
            Assert.True(s1 > s0 + 0.01, $"index {i}: stage-1 line is brighter on the arc ({s1:F3} vs {s0:F3})");
            Assert.True(s2 > s1 + 0.03, $"index {i}: stage-2 ridge is brighter than the line ({s2:F3} vs {s1:F3})");
            Assert.True(s2 > s0 + 0.1, $"index {i}: stage-2 ridge ({s2:F3} vs normal {s0:F3})");
        }
    }

    [Fact]
    public void Stage1IsASubtleLocalChange()
    {
        using var scope = DisposeScope.Open();
        for (var i = 0; i < 4; i++)
        {
            var diff = (Gen.Generate(i, RopStage.Stage1) - Gen.Generate(i, RopStage.Normal)).Abs().Amax([0]);
            var changed = diff.Gt(0.02).To(DType.Float32).Mean().ToDouble();
            Assert.InRange(changed, 0.002, 0.15);
        }
    }

    [Fact]
    public void TuftsAddRedDominantPixelsInStage3()
    {
        using var scope = DisposeScope.Open();
        for (var i = 0; i < 6; i++)
        {
            long RedPixels(RopStage s)
            {
                var img = Gen.Generate(i, s);
                var (r, g) = (img.Select(0, 0), img.Select(0, 1));
                return r.Gt(0.55).LogicalAnd(r.Gt(g.Mul(3))).Sum().ToInt64();
            }
            var (s2, s3) = (RedPixels(RopStage.Stage2), RedPixels(RopStage.Stage3));
            Assert.True(s3 >= s2 + 3, $"index {i}: stage 3 has tufts ({s3} vs {s2} red pixels)");
        }
    }

    [Fact]
    public void GenerationDoesNotLeakTensors()
    {
        Gen.Generate(0).Dispose();
        var baseline = MedLearn.Torch.Tests.LeakCheck.Baseline();
        for (var i = 0; i < 4; i++)
        {
            Gen.Generate(i).Dispose();
            Gen.RidgeMask(i).Dispose();
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }
}
