using System.Globalization;
using MedLearn.Data.Writers;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Explain;

/// <summary>
/// Renders a heat map over its image as one RGB picture (uint8 [3, H', W'], for <see cref="PngWriter"/>): the image,
/// the image blended with the map in <see cref="HeatColourMap"/> colours, and a colour bar labelled with the map values
/// of its two ends, side by side on a white background. Volumes show the three orthogonal slices through the hottest
/// voxel (one row each: axial [H, W] at its depth, coronal [D, W] at its row, sagittal [D, H] at its column).
/// </summary>
/// <remarks>
/// Colour scale: t = (v − min) / (max − min) clamped to [0, 1] (<see cref="OverlayOptions"/>; by default min = 0 and
/// max = the map's maximum, so negative occlusion values, evidence against the class, are drawn in the coldest colour).
/// Images are display values in [0, 1] (see <see cref="DisplayImage"/>); one channel is drawn gray, three as RGB, other
/// counts use their first channel. Overlay blend: (1 − α)·image + α·colour, α = <see cref="OverlayOptions.Alpha"/>.
/// </remarks>
public static class SaliencyOverlay
{
    internal const int Gap = 4;
    private const int BarWidth = 10;

    /// <summary>The picture for an image [C, H, W] and its map [H, W].</summary>
    /// <exception cref="ArgumentException">Shapes disagree.</exception>
    public static Tensor Render(Tensor image, Tensor map, OverlayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(map);
        if (image.Dim != 3 || map.Dim != 2 || !map.Shape.SequenceEqual(image.Shape[1..]))
            throw new ArgumentException($"expected an image [C, H, W] and a map [H, W] of the same size, got [{string.Join(", ", image.Shape)}] and [{string.Join(", ", map.Shape)}]");
        options ??= new OverlayOptions();
        using var scope = DisposeScope.Open();
        var (min, max) = Range(map, options);
        var scale = options.Scale ?? AutoScale(Math.Max(image.Size(1), image.Size(2)));
        var row = Row(image, map, min, max, options.Alpha, scale);
        return scope.MoveToOuter(WithLegend(row, min, max));
    }

    /// <summary>The picture for a volume [C, D, H, W] and its map [D, H, W]: slices through <see cref="Hottest"/>.</summary>
    /// <exception cref="ArgumentException">Shapes disagree.</exception>
    public static Tensor RenderVolume(Tensor volume, Tensor map, OverlayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(map);
        if (volume.Dim != 4 || map.Dim != 3 || !map.Shape.SequenceEqual(volume.Shape[1..]))
            throw new ArgumentException($"expected a volume [C, D, H, W] and a map [D, H, W] of the same size, got [{string.Join(", ", volume.Shape)}] and [{string.Join(", ", map.Shape)}]");
        options ??= new OverlayOptions();
        using var scope = DisposeScope.Open();
        var (min, max) = Range(map, options);
        var p = Hottest(map);
        var scale = options.Scale ?? AutoScale(map.Shape.Max());
        Tensor[] rows =
        [
            Row(volume.Select(1, p[0]), map.Select(0, p[0]), min, max, options.Alpha, scale),   // axial: [H, W]
            Row(volume.Select(2, p[1]), map.Select(1, p[1]), min, max, options.Alpha, scale),   // coronal: [D, W]
            Row(volume.Select(3, p[2]), map.Select(2, p[2]), min, max, options.Alpha, scale),   // sagittal: [D, H]
        ];
        var width = rows.Max(r => r.Size(2));
        var stacked = new List<Tensor>();
        foreach (var r in rows)
        {
            if (stacked.Count > 0) stacked.Add(torch.Ones([3, Gap, width]));
            stacked.Add(r.Size(2) < width ? torch.Cat([r, torch.Ones([3, r.Size(1), width - r.Size(2)])], 2) : r);
        }
        return scope.MoveToOuter(WithLegend(torch.Cat(stacked, 1), min, max));
    }

    /// <summary>
    /// A montage of axial slices of a volume [C, D, H, W] and its map [D, H, W]: one row [image | overlay] per slice in
    /// <paramref name="slices"/> (depth indices, top to bottom in the given order, each written in yellow in the image
    /// panel's top-left corner when it fits), with one colour bar.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes disagree, no slices, or a slice index outside 0..D−1.</exception>
    public static Tensor RenderMontage(Tensor volume, Tensor map, IReadOnlyList<int> slices, OverlayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(slices);
        if (volume.Dim != 4 || map.Dim != 3 || !map.Shape.SequenceEqual(volume.Shape[1..]))
            throw new ArgumentException($"expected a volume [C, D, H, W] and a map [D, H, W] of the same size, got [{string.Join(", ", volume.Shape)}] and [{string.Join(", ", map.Shape)}]");
        if (slices.Count == 0 || slices.Any(z => z < 0 || z >= map.Size(0)))
            throw new ArgumentException($"montage slices must be 1 or more depth indices in 0..{map.Size(0) - 1}, got [{string.Join(", ", slices)}]");
        options ??= new OverlayOptions();
        using var scope = DisposeScope.Open();
        var (min, max) = Range(map, options);
        var scale = options.Scale ?? AutoScale(Math.Max(map.Size(1), map.Size(2)));
        var rows = new List<Tensor>();
        foreach (var z in slices)
        {
            if (rows.Count > 0) rows.Add(torch.Ones([3, Gap, 2 * map.Size(2) * scale + Gap]));
            rows.Add(Row(volume.Select(1, z), map.Select(0, z), min, max, options.Alpha, scale));
        }
        var picture = WithLegend(torch.Cat(rows, 1), min, max);
        // the slice index in the top-left corner of each row's image panel
        var (height, width) = ((int)picture.Size(1), (int)picture.Size(2));
        var rgb = picture.Contiguous().ToArray<byte>();
        var rowHeight = (int)map.Size(1) * scale;
        var glyph = Math.Max(1, Math.Min(3, rowHeight / 40));
        for (var i = 0; i < slices.Count; i++)
        {
            var text = slices[i].ToString(CultureInfo.InvariantCulture);
            if (BitmapFont.Height * glyph + 2 <= rowHeight && BitmapFont.TextWidth(text, glyph) + 2 <= map.Size(2) * scale)
                BitmapFont.Draw(rgb, height, width, text, i * (rowHeight + Gap) + 1, 1, glyph, SliceInk);
        }
        return scope.MoveToOuter(torch.FromArray(rgb, 3, height, width));
    }

    /// <summary>Colour of the slice numbers of <see cref="RenderMontage"/> (yellow, readable on gray).</summary>
    internal static readonly (byte R, byte G, byte B) SliceInk = (255, 230, 0);

    /// <summary>
    /// <paramref name="count"/> depth indices spread evenly over the slices lo..hi where <paramref name="map"/> [D, H, W]
    /// reaches at least a tenth of its maximum (all slices when the map is nowhere positive):
    /// z_i = lo + round((i + ½)(hi − lo + 1)/count − ½) (halves away from zero), duplicates removed.
    /// </summary>
    public static int[] MontageSlices(Tensor map, int count)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        using var scope = DisposeScope.Open();
        var perSlice = map.Flatten(1).Max(1).Values.To(DType.Float64).Contiguous().ToArray<double>();
        var peak = perSlice.Max();
        var positive = peak > 0 ? Enumerable.Range(0, perSlice.Length).Where(z => perSlice[z] >= 0.1 * peak).ToArray() : [];
        var (lo, hi) = positive.Length == 0 ? (0, perSlice.Length - 1) : (positive[0], positive[^1]);
        var n = hi - lo + 1;
        return [.. Enumerable.Range(0, Math.Min(count, n)).Select(i => lo + (int)Math.Round((i + 0.5) * n / Math.Min(count, n) - 0.5, MidpointRounding.AwayFromZero)).Distinct()];
    }

    /// <summary>Coordinates of the largest value of <paramref name="map"/> (the first one in row-major order on ties).</summary>
    public static long[] Hottest(Tensor map)
    {
        ArgumentNullException.ThrowIfNull(map);
        using var scope = DisposeScope.Open();
        var flat = map.Reshape(-1).Argmax().ToInt64();
        var p = new long[map.Dim];
        for (var a = map.Dim - 1; a >= 0; a--)
        {
            p[a] = flat % map.Size(a);
            flat /= map.Size(a);
        }
        return p;
    }

    /// <summary>Renders and writes a PNG (atomically): <see cref="Render"/> for [C, H, W] images, <see cref="RenderVolume"/> for [C, D, H, W] volumes.</summary>
    public static void WritePng(string path, Tensor image, Tensor map, OverlayOptions? options = null)
    {
        using var scope = DisposeScope.Open();
        PngWriter.Write(RenderEither(image, map, options), path);
    }

    /// <summary>The PNG bytes of <see cref="WritePng"/>.</summary>
    public static byte[] EncodePng(Tensor image, Tensor map, OverlayOptions? options = null)
    {
        using var scope = DisposeScope.Open();
        return PngWriter.Encode(RenderEither(image, map, options));
    }

    private static Tensor RenderEither(Tensor image, Tensor map, OverlayOptions? options) =>
        image.Dim == 4 ? RenderVolume(image, map, options) : Render(image, map, options);

    internal static int AutoScale(long side) => (int)Math.Clamp((160 + side - 1) / Math.Max(side, 1), 1, 8);

    private static (double Min, double Max) Range(Tensor map, OverlayOptions options)
    {
        var min = options.Min ?? 0;
        var max = options.Max ?? map.Max().ToDouble();
        if (!(max > min)) max = min + 1;
        return (min, max);
    }

    /// <summary>[image | overlay] as float RGB in [0, 1], upscaled by <paramref name="scale"/>.</summary>
    private static Tensor Row(Tensor image, Tensor map, double min, double max, double alpha, int scale)
    {
        var rgb = (image.Size(0) >= 3 ? image.Narrow(0, 0, 3) : image.Narrow(0, 0, 1).Expand(3, -1, -1)).To(DType.Float32).Clamp(0, 1);
        var colour = HeatColourMap.Apply((map.To(DType.Float32) - min) / (max - min));
        var overlay = rgb * (1 - alpha) + colour * alpha;
        if (scale > 1)
        {
            long[] size = [image.Size(1) * scale, image.Size(2) * scale];
            rgb = Functional.Interpolate(rgb.Unsqueeze(0), size, mode: InterpolateMode.Nearest).Squeeze(0);
            overlay = Functional.Interpolate(overlay.Unsqueeze(0), size, mode: InterpolateMode.Nearest).Squeeze(0);
        }
        return torch.Cat([rgb, torch.Ones([3, rgb.Size(1), Gap]), overlay], 2);
    }

    /// <summary>
    /// Appends the colour bar and its labels, converts to uint8. The labels keep a margin of one glyph pixel from the top,
    /// bottom and right edges (they are never cut by the picture's border), and a picture too low for both labels is
    /// padded with white rows below, so the two labels never overlap.
    /// </summary>
    internal static Tensor WithLegend(Tensor panels, double min, double max)
    {
        var glyph = Math.Max(1, Math.Min(3, (int)panels.Size(1) / 60));
        var margin = glyph;
        var needed = 2 * (BitmapFont.Height * glyph + margin) + 2 * glyph; // two labels, their margins and a gap between them
        if (panels.Size(1) < needed)
            panels = torch.Cat([panels, torch.Ones([3, needed - panels.Size(1), panels.Size(2)])], 1);
        var height = (int)panels.Size(1);
        string top = Label(max), bottom = Label(min);
        var width = BarWidth + 3 + Math.Max(BitmapFont.TextWidth(top, glyph), BitmapFont.TextWidth(bottom, glyph)) + 2 + 2 * margin;
        var legend = new byte[3 * height * width];
        Array.Fill(legend, (byte)255);
        for (var y = 0; y < height; y++)
        {
            var c = HeatColourMap.Table[height == 1 ? 255 : (int)Math.Round(255.0 * (height - 1 - y) / (height - 1))];
            for (var x = 0; x < BarWidth; x++)
            {
                legend[y * width + x] = c.R;
                legend[height * width + y * width + x] = c.G;
                legend[2 * height * width + y * width + x] = c.B;
            }
        }
        BitmapFont.Draw(legend, height, width, top, margin, BarWidth + 3, glyph, LabelInk);
        BitmapFont.Draw(legend, height, width, bottom, height - margin - BitmapFont.Height * glyph, BarWidth + 3, glyph, LabelInk);
        var bytes = (panels * 255).Round().Clamp(0, 255).To(DType.UInt8);
        return torch.Cat([bytes, torch.Full([3, height, Gap], 255, DType.UInt8), torch.FromArray(legend, 3, height, width)], 2);
    }

    /// <summary>Colour of the legend's numbers.</summary>
    internal static readonly (byte R, byte G, byte B) LabelInk = (31, 41, 51);

    /// <summary>At most 3 significant digits, invariant culture, exponent form for very small or large magnitudes.</summary>
    internal static string Label(double v)
    {
        if (v == 0) return "0";
        var a = Math.Abs(v);
        return a is >= 0.01 and < 1000
            ? v.ToString(a >= 100 ? "0" : a >= 10 ? "0.#" : a >= 1 ? "0.##" : a >= 0.1 ? "0.###" : "0.####", CultureInfo.InvariantCulture)
            : v.ToString("0.##E+0", CultureInfo.InvariantCulture);
    }
}
