using MedLearn.Data.Synthetic;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Tests.Synthetic;

public class MammoPhantomTests
{
    private static readonly MammoPhantomGenerator Gen = new(new MammoPhantomOptions { Height = 184, Width = 120, Seed = 3 });

    [Fact]
    public void DeterministicInSeedAndIndex()
    {
        using var scope = DisposeScope.Open();
        var a = Gen.Generate(4);
        var b = Gen.Generate(4);
        Assert.True(a.Image.Equal(b.Image));
        Assert.True(a.Mask.Equal(b.Mask));
        Assert.False(a.Image.Equal(Gen.Generate(6).Image));
    }

    [Fact]
    public void ShapesDtypesAndRanges()
    {
        using var scope = DisposeScope.Open();
        var s = Gen.Generate(1);
        Assert.Equal([1L, 184, 120], s.Image.Shape);
        Assert.Equal(DType.Float32, s.Image.DType);
        Assert.Equal([1L, 184, 120], s.Mask.Shape);
        Assert.Equal(DType.UInt8, s.Mask.DType);
        Assert.True(s.Image.Min().ToDouble() >= 0 && s.Image.Max().ToDouble() <= 1);
        Assert.True(s.Mask.Le(1).All().ToInt64() == 1);
        var u16 = SynthImages.ToUInt16Range(s.Image);
        Assert.Equal(DType.Int32, u16.DType);
        Assert.True(u16.Max().ToInt64() <= 65535 && u16.Min().ToInt64() >= 0);
    }

    [Fact]
    public void HalfArePositiveAndMasksAreEmptyExactlyForNegatives()
    {
        using var scope = DisposeScope.Open();
        var positives = 0;
        for (var i = 0; i < 10; i++)
        {
            var s = Gen.Generate(i);
            var lesionPixels = s.Mask.Sum().ToInt64();
            Assert.Equal(Gen.IsPositive(i), s.Positive);
            if (s.Positive)
            {
                positives++;
                Assert.True(lesionPixels > 0, $"index {i}: positive with an empty mask");
                Assert.InRange(s.Masses + s.CalcificationClusters, 1, 3);
                Assert.Equal(1, s.Label);
            }
            else
            {
                Assert.Equal(0, lesionPixels);
                Assert.Equal(0, s.Label);
            }
        }
        Assert.Equal(5, positives);
    }

    [Fact]
    public void LesionPixelsAreBrighterThanTheirSurroundings()
    {
        using var scope = DisposeScope.Open();
        for (var i = 1; i < 12; i += 2)
        {
            var s = Gen.Generate(i);
            var mask = s.Mask.To(DType.Float32).Unsqueeze(0);
            var ring = Functional.MaxPool2d(mask, [9], [1], [4]).Squeeze(0).Gt(0).LogicalAnd(s.Mask.Eq(0));
            var inside = s.Image.MaskedSelect(s.Mask.Gt(0)).Mean().ToDouble();
            var around = s.Image.MaskedSelect(ring).Mean().ToDouble();
            Assert.True(inside > around + 0.05, $"index {i}: lesion mean {inside:F3} vs surroundings {around:F3}");
        }
    }

    [Fact]
    public void BreastRegionIsBrighterThanBackground()
    {
        using var scope = DisposeScope.Open();
        var s = Gen.Generate(0);
        var row = s.Image.Select(1, 92).Squeeze(0);
        var (left, right) = (row.Narrow(0, 0, 8).Mean().ToDouble(), row.Narrow(0, 112, 8).Mean().ToDouble());
        Assert.True(Math.Abs(left - right) > 0.1, "chest wall on one side, background on the other");
    }
}
