using MedLearn.Data.Synthetic;
using MedLearn.Data.Transforms;
using MedLearn.Tests.Datasets;
using MedLearn.Torch;

namespace MedLearn.Tests.Synthetic;

/// <summary>Reduced-size phantom options: the lesion size floor and CC/MLO pairs of one breast.</summary>
public sealed class MammoPhantomViewsTests
{
    [Fact]
    public void TheLesionSizeFloorEnlargesMassesAtReducedSize()
    {
        using var scope = DisposeScope.Open();
        var plain = new MammoPhantomGenerator(new MammoPhantomOptions { Height = 128, Width = 96, Seed = 3 });
        var floored = new MammoPhantomGenerator(new MammoPhantomOptions { Height = 128, Width = 96, Seed = 3, MinLesionPixels = 4 });
        long before = 0, after = 0;
        for (var i = 1; i < 20; i += 2)
        {
            before += plain.Generate(i).Mask.Sum().ToInt64();
            after += floored.Generate(i).Mask.Sum().ToInt64();
        }
        // A mass's mask is its gaussian above 1/2: an ellipse of semi-axes 1.18 sigma, so a sigma floor of 4 px gives
        // at least pi * 1.18^2 * 4 * 2.4 ~ 42 px per mass (sy >= 0.6 sx); the plain 128-px masses have sigma ~ 1-2 px.
        Assert.True(after > 2 * before, $"lesion pixels {before} -> {after}");
        Assert.Equal(0, new MammoPhantomGenerator(new MammoPhantomOptions { Height = 128, Width = 96, Seed = 3, MinLesionPixels = 0 }).Generate(1).Mask
            .Ne(plain.Generate(1).Mask).Sum().ToInt64()); // 0 keeps the old phantoms
    }

    [Fact]
    public void LesionContrastScalesTheLesionIntensityLinearly()
    {
        using var scope = DisposeScope.Open();
        MammoPhantom At(double contrast) =>
            new MammoPhantomGenerator(new MammoPhantomOptions { Height = 128, Width = 96, Seed = 3, MinLesionPixels = 3, LesionContrast = contrast }).Generate(1);
        var (none, half, full) = (At(0), At(0.5), At(1));
        Assert.True(full.Positive && full.Mask.Sum().ToInt64() > 0);
        // image = clamp(base + c * lesion + noise): with every random draw unchanged, full - none = 2 (half - none)
        // wherever nothing was clamped, and the masks do not depend on the contrast.
        var unclamped = full.Image.Lt(1).LogicalAnd(none.Image.Gt(0));
        var dFull = (full.Image - none.Image).MaskedSelect(unclamped);
        var dHalf = (half.Image - none.Image).MaskedSelect(unclamped);
        Assert.True((dFull - dHalf * 2).Abs().Max().ToDouble() < 1e-5);
        Assert.True(dFull.Max().ToDouble() > 0.05); // the lesion is really there at contrast 1
        Assert.Equal(0, full.Mask.Ne(half.Mask).Sum().ToInt64());
        Assert.Equal(0, new MammoPhantomGenerator(new MammoPhantomOptions { Height = 128, Width = 96, Seed = 3, MinLesionPixels = 3 }).Generate(1).Image
            .Ne(full.Image).Sum().ToInt64()); // the default (1) keeps the phantoms bit for bit
    }

    [Fact]
    public void TwoViewsPerBreastShareTheLabelAndTheLaterality()
    {
        using var scope = DisposeScope.Open();
        var g = new MammoPhantomGenerator(new MammoPhantomOptions { Height = 128, Width = 96, Seed = 3, ViewsPerBreast = 2 });
        for (var i = 0; i < 8; i++)
        {
            var s = g.Generate(i);
            Assert.Equal(g.IsPositive(i / 2), s.Positive);
            Assert.Equal(i % 2 == 0 ? "CC" : "MLO", g.ViewOf(i));
            Assert.Equal(i / 2 % 2 == 0 ? "L" : "R", g.LateralityOf(i));
            Assert.Equal(i / 4, g.ExamOf(i));
            // L: chest wall (the breast) on the left; R: on the right.
            Assert.Equal(g.LateralityOf(i) == "R", FlipToCommonLaterality.IsRightSided(s.Image));
        }
        using var dir = new TempDir();
        SyntheticDatasetWriter.WriteMammo(dir.Path, 4, g.Options);
        Assert.Equal(["path,label,mask,patient,exam,view,laterality", "images/mammo_00000.png,0,masks/mammo_00000.png,p0000,e0000,CC,L",
            "images/mammo_00001.png,0,masks/mammo_00001.png,p0000,e0000,MLO,L", "images/mammo_00002.png,1,masks/mammo_00002.png,p0000,e0000,CC,R",
            "images/mammo_00003.png,1,masks/mammo_00003.png,p0000,e0000,MLO,R"], File.ReadAllLines(dir["labels.csv"]));
    }
}
