using MedLearn.Data.Transforms;
using MedLearn.Methods.Gmic;
using MedLearn.Torch;

namespace MedLearn.Tests.Transforms;

/// <summary>The screening preprocessing profile's transforms (GMIC) on hand-built images with known answers.</summary>
public sealed class ScreeningTransformTests
{
    private static Tensor Image(float[,] px)
    {
        int h = px.GetLength(0), w = px.GetLength(1);
        var flat = new float[h * w];
        for (var y = 0; y < h; y++) for (var x = 0; x < w; x++) flat[y * w + x] = px[y, x];
        return torch.FromArray(flat, 1, h, w);
    }

    [Fact]
    public void BreastCropKeepsTheLargestConnectedComponentWithItsMask()
    {
        using var scope = DisposeScope.Open();
        var px = new float[8, 10];
        for (var y = 1; y < 6; y++) for (var x = 0; x < 4; x++) px[y, x] = 0.8f + 0.01f * x; // 5x4 block: 20 pixels
        px[0, 9] = px[1, 9] = px[2, 9] = 1.0f;                                                 // bright 3-pixel marker
        px[7, 4] = 0.9f;                                                                       // touches the block only diagonally
        var maskPx = new byte[80];
        maskPx[2 * 10 + 1] = 1;
        var s = T.Run(new BreastCrop(), T.S(Image(px), torch.FromArray(maskPx, 1, 8, 10)));
        Assert.Equal([1, 5, 4], s.Image.Shape);  // rows 1-5, columns 0-3
        Assert.Equal([1, 5, 4], s.Mask!.Shape);
        Assert.Equal(0.81f, s.Image.ToArray<float>()[1], 6);
        Assert.Equal(1, s.Mask.ToArray<byte>()[1 * 4 + 1]); // mask pixel (2, 1) is (1, 1) of the crop
        Assert.Equal((1, 0, 6, 4), new BreastCrop().Box(Image(px)));
    }

    [Fact]
    public void BreastCropRefusesAConstantImage()
    {
        using var scope = DisposeScope.Open();
        var e = Assert.Throws<InvalidDataException>(() => T.Run(new BreastCrop(), T.S(torch.Zeros(1, 6, 6))));
        Assert.Contains("no breast found", e.Message);
    }

    [Fact]
    public void FlipPutsTheBrighterHalfOnTheLeft()
    {
        using var scope = DisposeScope.Open();
        var right = Image(new float[,] { { 0, 0, 1, 3 }, { 0, 0, 2, 4 } });
        var flipped = T.Run(new FlipToCommonLaterality(), T.S(right)).Image.ToArray<float>();
        Assert.Equal(new float[] { 3, 1, 0, 0, 4, 2, 0, 0 }, flipped);
        var left = Image(new float[,] { { 5, 1, 0, 0 } });
        Assert.Equal(new float[] { 5, 1, 0, 0 }, T.Run(new FlipToCommonLaterality(), T.S(left)).Image.ToArray<float>());
        Assert.Equal(new float[] { 1, 1 }, T.Run(new FlipToCommonLaterality(), T.S(Image(new float[,] { { 1, 1 } }))).Image.ToArray<float>()); // tie: unchanged
    }

    [Fact]
    public void FitAndPadKeepsTheAspectAndPadsBottomRightWithTheMinimum()
    {
        using var scope = DisposeScope.Open();
        // 2x4 image into 4x4: s = min(4/2, 4/4) = 1 -> 2x4 kept, rows 2-3 padded with the minimum (-1).
        var wide = T.Run(new FitAndPad(4, 4), T.S(Image(new float[,] { { -1, 2, 3, 4 }, { 5, 6, 7, 8 } }), torch.Ones([1, 2, 4], DType.UInt8)));
        Assert.Equal(new float[] { -1, 2, 3, 4, 5, 6, 7, 8, -1, -1, -1, -1, -1, -1, -1, -1 }, wide.Image.ToArray<float>());
        Assert.Equal(new byte[] { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 }, wide.Mask!.ToArray<byte>());
        // 8x2 into 4x4: s = min(0.5, 2) = 0.5 -> 4x1, columns 1-3 padded.
        Assert.Equal((4L, 1L), new FitAndPad(4, 4).ScaledSize(8, 2));
        var tall = T.Run(new FitAndPad(4, 4), T.S(torch.Full([1, 8, 2], 3.0)));
        Assert.Equal([1, 4, 4], tall.Image.Shape);
        Assert.Equal(new float[] { 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3 }, tall.Image.ToArray<float>()); // constant: min = 3
    }

    [Fact]
    public void ScreeningProfileGivesAStandardisedFixedSizeImage()
    {
        using var scope = DisposeScope.Open();
        // 16-bit-like int32 image: a 16x12 "breast" on the right (brightest at the right edge), a blank margin.
        var px = new int[1 * 20 * 30];
        for (var y = 2; y < 18; y++) for (var x = 18; x < 30; x++) px[y * 30 + x] = 30000 + 100 * y + 50 * x;
        var s = T.S(torch.FromArray(px, 1, 20, 30));
        s.Meta = s.Meta with { BitsStored = 16 };
        // Flip (right side brighter) -> crop to 16x12 -> scale 2 (min(40/16, 24/12)) to 32x24 -> 8 padded rows.
        var r = T.Run(GmicPreprocessing.Create(40, 24, "screening"), s);
        Assert.Equal([1, 40, 24], r.Image.Shape);
        var v = r.Image.ToArray<float>();
        Assert.Equal(0.0, v.Average(), 4);                                           // standardised
        Assert.Equal(1.0, Math.Sqrt(v.Select(x => (double)x * x).Average()), 3);
        Assert.All(v[(32 * 24)..], x => Assert.Equal(v.Min(), x));                   // padding = the minimum
        Assert.True(v[10 * 24] > v[10 * 24 + 23]);                                   // flipped: the old right edge is now on the left
        Assert.True(v[31 * 24] > v[0]);                                              // not flipped vertically
        Assert.Throws<ArgumentException>(() => GmicPreprocessing.Create(32, 24, "crop"));
    }
}
