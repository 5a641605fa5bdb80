using MedLearn.Data.Writers;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Explain;

/// <summary>
/// Draws weighted boxes over an image as one RGB picture (uint8 [3, H', W'], for <see cref="PngWriter"/>): the image, the
/// image with the boxes' outlines, and a colour bar labelled with the weights of its two ends, side by side on white
/// (the layout of <see cref="SaliencyOverlay"/>).
/// </summary>
/// <remarks>
/// Colour of a box: <see cref="HeatColourMap"/> entry round(255 · clamp(weight / max, 0, 1)), max = the given maximum or
/// else the largest weight (1 when that is not positive); the bar runs from 0 to max. Outlines are
/// <c>max(1, round(min(H', W') / 150))</c> pixels thick, drawn inside each box (clipped to the image) after upscaling by the
/// panel scale (<see cref="OverlayOptions.Scale"/>, nearest neighbour), lightest weight first so the heaviest box is
/// on top; a box's label is drawn in its colour just inside its upper-left corner.
/// </remarks>
public static class RoiBoxOverlay
{
    /// <summary>The picture for an image [C, H, W] (display values in [0, 1]) and its boxes (image pixels).</summary>
    public static Tensor Render(Tensor image, IReadOnlyList<WeightedBox> boxes, double? max = null, int? scale = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(boxes);
        if (image.Dim != 3) throw new ArgumentException($"expected an image [C, H, W], got [{string.Join(", ", image.Shape)}]", nameof(image));
        using var scope = DisposeScope.Open();
        var top = max ?? (boxes.Count == 0 ? 1 : boxes.Max(b => b.Weight));
        if (!(top > 0)) top = 1;
        var s = scale ?? SaliencyOverlay.AutoScale(Math.Max(image.Size(1), image.Size(2)));
        var rgb = (image.Size(0) >= 3 ? image.Narrow(0, 0, 3) : image.Narrow(0, 0, 1).Expand(3, -1, -1)).To(DType.Float32).Clamp(0, 1);
        if (s > 1) rgb = Functional.Interpolate(rgb.Unsqueeze(0), [image.Size(1) * s, image.Size(2) * s], mode: InterpolateMode.Nearest).Squeeze(0);
        int height = (int)rgb.Size(1), width = (int)rgb.Size(2);
        var pixels = (rgb * 255).Round().Clamp(0, 255).To(DType.UInt8).Contiguous().ToArray<byte>();
        var thickness = Math.Max(1, (int)Math.Round(Math.Min(height, width) / 150.0));
        var glyph = Math.Max(1, Math.Min(3, Math.Min(height, width) / 100));
        foreach (var box in boxes.OrderBy(b => b.Weight))
        {
            var c = ColourOf(box.Weight, top);
            int r0 = box.Row * s, c0 = box.Column * s, r1 = (box.Row + box.Height) * s, c1 = (box.Column + box.Width) * s;
            Fill(pixels, height, width, r0, c0, Math.Min(r1, r0 + thickness), c1, c);
            Fill(pixels, height, width, Math.Max(r0, r1 - thickness), c0, r1, c1, c);
            Fill(pixels, height, width, r0, c0, r1, Math.Min(c1, c0 + thickness), c);
            Fill(pixels, height, width, r0, Math.Max(c0, c1 - thickness), r1, c1, c);
            if (box.Label is { } label)
                BitmapFont.Draw(pixels, height, width, label, Math.Max(0, r0) + thickness + glyph, Math.Max(0, c0) + thickness + glyph, glyph, (c.R, c.G, c.B));
        }
        var boxed = torch.FromArray(pixels, 3, height, width).To(DType.Float32) / 255.0;
        var panels = torch.Cat([rgb, torch.Ones([3, height, SaliencyOverlay.Gap]), boxed], 2);
        return scope.MoveToOuter(SaliencyOverlay.WithLegend(panels, 0, top));
    }

    /// <summary>The PNG bytes of <see cref="Render"/>.</summary>
    public static byte[] EncodePng(Tensor image, IReadOnlyList<WeightedBox> boxes, double? max = null, int? scale = null)
    {
        using var scope = DisposeScope.Open();
        return PngWriter.Encode(Render(image, boxes, max, scale));
    }

    /// <summary>The outline colour of a box of weight <paramref name="weight"/> on a scale from 0 to <paramref name="max"/>.</summary>
    public static Reports.Charts.Colour ColourOf(double weight, double max) =>
        HeatColourMap.Table[(int)Math.Round(255 * Math.Clamp(double.IsFinite(weight) && max > 0 ? weight / max : 0, 0, 1))];

    private static void Fill(byte[] rgb, int height, int width, int r0, int c0, int r1, int c1, Reports.Charts.Colour colour)
    {
        for (var y = Math.Max(0, r0); y < Math.Min(height, r1); y++)
            for (var x = Math.Max(0, c0); x < Math.Min(width, c1); x++)
            {
                rgb[y * width + x] = colour.R;
                rgb[height * width + y * width + x] = colour.G;
                rgb[2 * height * width + y * width + x] = colour.B;
            }
    }
}
