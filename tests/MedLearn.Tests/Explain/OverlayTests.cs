using MedLearn.Data.Readers;
using MedLearn.Explain;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Explain;

/// <summary>Overlay pictures: layout, blend formula, colour bar, volume slices through the hottest voxel, PNG round trip.</summary>
public sealed class OverlayTests
{
    private static byte Blend(double image, byte colour, double alpha) => (byte)Math.Round(255 * ((1 - alpha) * image + alpha * colour / 255.0), MidpointRounding.ToEven);

    [Fact]
    public void ImageOverlayLayoutBlendAndLegend()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            torch.ManualSeed(30);
            var image = torch.Rand([1, 8, 10]);
            var map = torch.Zeros([8, 10]);
            map.Narrow(0, 2, 1).Narrow(1, 3, 1).Add_(0.8);   // the hottest pixel (2, 3)
            var picture = SaliencyOverlay.Render(image, map, new OverlayOptions { Alpha = 0.4, Scale = 2 });
            Assert.Equal(DType.UInt8, picture.DType);
            Assert.Equal(3, picture.Size(0));
            Assert.Equal(16, picture.Size(1));
            var px = picture.To(DType.Int32);
            int At(int c, int y, int x) => (int)px.Select(0, c).Select(0, y).Select(0, x).ToInt64();
            var g = image.ToArray<float>();

            // Left panel: the gray image itself (scaled 2x, nearest), on all three channels.
            Assert.Equal((int)Math.Round(g[2 * 10 + 3] * 255.0), At(0, 4, 6));
            Assert.Equal(At(0, 5, 7), At(2, 5, 7));
            // Right panel starts after 20 px + 4 px gap: the hot pixel blends the hottest colour (jet's #7f0000),
            // a zero pixel the coldest (#00007f).
            var hot = HeatColourMap.Table[255];
            var cold = HeatColourMap.Table[0];
            Assert.Equal((hot.R, hot.G, hot.B), ((byte)127, (byte)0, (byte)0));
            Assert.Equal(Blend(g[23], hot.R, 0.4), At(0, 4, 24 + 6));
            Assert.Equal(Blend(g[23], hot.B, 0.4), At(2, 5, 24 + 7));
            Assert.Equal(Blend(g[0], cold.B, 0.4), At(2, 0, 24));
            // Gap between the panels is white.
            Assert.Equal(255, At(1, 3, 21));
            // Colour bar after the second gap: top row hottest, bottom row coldest.
            Assert.Equal(hot.R, At(0, 0, 48));
            Assert.Equal(cold.B, At(2, 15, 48));

            // PNG round trip: the file decodes to the same pixels.
            var path = Path.Combine(Path.GetTempPath(), $"medlearn-overlay-{Guid.NewGuid():N}.png");
            try
            {
                SaliencyOverlay.WritePng(path, image, map, new OverlayOptions { Alpha = 0.4, Scale = 2 });
                using var read = ImageReader.Read(path);
                Assert.True(read.Data.Equal(picture));
            }
            finally
            {
                File.Delete(path);
            }
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void VolumeOverlayShowsTheSlicesThroughTheHottestVoxel()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            torch.ManualSeed(31);
            var volume = torch.Rand([1, 5, 6, 7]);
            var map = torch.Rand([5, 6, 7]) * 0.5;
            map.Narrow(0, 3, 1).Narrow(1, 1, 1).Narrow(2, 4, 1).Add_(1);
            Assert.Equal([3L, 1, 4], SaliencyOverlay.Hottest(map));
            var picture = SaliencyOverlay.RenderVolume(volume, map, new OverlayOptions { Scale = 1 });
            // Rows: axial 6 high, coronal 5, sagittal 5, separated by 4 px gaps.
            Assert.Equal(6 + 4 + 5 + 4 + 5, picture.Size(1));
            var v = volume.ToArray<float>();
            var px = picture.To(DType.Int32);
            int At(int y, int x) => (int)px.Select(0, 0).Select(0, y).Select(0, x).ToInt64();
            // Axial row: the slice at depth 3; coronal row (starts at y = 10): row 1; sagittal row (y = 19): column 4.
            Assert.Equal((int)Math.Round(v[3 * 42 + 2 * 7 + 5] * 255.0), At(2, 5));
            Assert.Equal((int)Math.Round(v[4 * 42 + 1 * 7 + 6] * 255.0), At(10 + 4, 6));
            Assert.Equal((int)Math.Round(v[2 * 42 + 5 * 7 + 4] * 255.0), At(19 + 2, 5));
            Assert.Throws<ArgumentException>(() => SaliencyOverlay.RenderVolume(volume, torch.Rand([5, 6, 6])));
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void ColourMapAndLabels()
    {
        using var scope = DisposeScope.Open();
        var rgb = HeatColourMap.Apply(torch.FromArray(new[] { 0f, 0.5f, 1f, 2f, -1f, float.NaN }, 6));
        Assert.Equal([3L, 6], rgb.Shape);
        var c = (rgb * 255).Round().To(DType.Int32).ToArray<int>();
        Assert.Equal([0, 0, 127], new[] { c[0], c[6], c[12] });       // 0: dark blue
        Assert.Equal([127, 0, 0], new[] { c[2], c[8], c[14] });       // 1: dark red
        Assert.Equal([127, 0, 0], new[] { c[3], c[9], c[15] });       // clamped
        Assert.Equal([0, 0, 127], new[] { c[4], c[10], c[16] });      // clamped
        Assert.Equal([0, 0, 127], new[] { c[5], c[11], c[17] });      // NaN = 0
        var mid = HeatColourMap.Table[128];
        Assert.Equal([mid.R, mid.G, mid.B], new[] { c[1], c[7], c[13] });
        Assert.Equal("0.831", SaliencyOverlay.Label(0.8312));
        Assert.Equal("0", SaliencyOverlay.Label(0));
        Assert.Equal("-0.0521", SaliencyOverlay.Label(-0.0521));
        Assert.Equal("6.65E-3", SaliencyOverlay.Label(0.006652));
        Assert.Equal("12.5", SaliencyOverlay.Label(12.54));
    }
}
