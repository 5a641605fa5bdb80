using MedLearn.Data.Synthetic;
using MedLearn.Torch;

namespace MedLearn.Tests.Synthetic;

public class VolumePhantomTests
{
    private static readonly VolumePhantomGenerator Gen = new(new VolumePhantomOptions { Width = 24, Height = 24, Depth = 16, Seed = 9 });

    [Fact]
    public void DeterministicInSeedAndIndex()
    {
        using var scope = DisposeScope.Open();
        var a = Gen.Generate(2);
        Assert.True(a.Image.Equal(Gen.Generate(2).Image));
        Assert.True(a.Mask.Equal(Gen.Generate(2).Mask));
        Assert.False(a.Image.Equal(Gen.Generate(3).Image));
    }

    [Fact]
    public void ShapesDtypesAndGeometry()
    {
        using var scope = DisposeScope.Open();
        var v = Gen.Generate(0);
        Assert.Equal([1L, 16, 24, 24], v.Image.Shape);
        Assert.Equal(DType.Float32, v.Image.DType);
        Assert.Equal([1L, 16, 24, 24], v.Mask.Shape);
        Assert.Equal(DType.UInt8, v.Mask.DType);
        Assert.True(v.Image.IsFinite().All().ToInt64() == 1);
        Assert.Equal(3, v.Meta.SpatialDims);
        Assert.Equal([1.5, 1.0, 1.0], v.Meta.Spacing);
        Assert.Equal(1.5, v.Meta.Affine[10]);
    }

    [Fact]
    public void MaskIsTheThresholdedStructure_NonEmptyAndAwayFromTheBorder()
    {
        using var scope = DisposeScope.Open();
        for (var i = 0; i < 12; i++)
        {
            var v = Gen.Generate(i);
            Assert.True(v.Mask.Equal(v.Structure.Gt(v.Threshold).To(DType.UInt8)), $"index {i}");
            Assert.True(v.Mask.Sum().ToInt64() > 0, $"index {i}: empty mask");
            var m = v.Mask.Squeeze(0);
            foreach (var dim in new[] { 0, 1, 2 })
            {
                var n = m.Size(dim);
                Assert.Equal(0, m.Select(dim, 0).Sum().ToInt64());
                Assert.Equal(0, m.Select(dim, n - 1).Sum().ToInt64());
            }
        }
    }

    [Fact]
    public void StructureIsBrighterThanBackgroundOnAverage()
    {
        using var scope = DisposeScope.Open();
        var brighter = 0;
        for (var i = 0; i < 10; i++)
        {
            var v = Gen.Generate(i);
            var inside = v.Image.MaskedSelect(v.Mask.Gt(0)).Mean().ToDouble();
            var outside = v.Image.MaskedSelect(v.Mask.Eq(0)).Mean().ToDouble();
            Assert.True(Math.Abs(inside - outside) > 0.1, $"index {i}: contrast {inside:F3} vs {outside:F3}");
            if (inside > outside) brighter++;
        }
        Assert.True(brighter >= 5);
    }
}
