using MedLearn.Models.Gmic;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// Localisation of one positive image's saliency map A_c (h x w grid) against its lesion mask (H x W, input
/// resolution). The map is upsampled to the input by nearest neighbour (PyTorch's rule: input pixel (y, x) takes
/// cell (floor(y h / H), floor(x w / W))).
/// <list type="bullet">
/// <item>peak hit: the block of input pixels of the map's maximum cell (first maximum in row-major order) contains a
/// lesion pixel;</item>
/// <item>Dice: S = upsampled map &gt;= threshold, <c>2 |S n M| / (|S| + |M|)</c>, 1 when both are empty;</item>
/// <item>patch hit: at least one retrieved patch (clipped to the image) contains a lesion pixel.</item>
/// </list>
/// </summary>
public static class LesionLocalisation
{
    /// <summary>The three measures of one image.</summary>
    public readonly record struct Result(bool PeakHit, double Dice, bool PatchHit);

    /// <summary>Measures <paramref name="map"/> [h * w] against <paramref name="mask"/> [H * W] (nonzero = lesion).</summary>
    public static Result Measure(ReadOnlySpan<float> map, int h, int w, ReadOnlySpan<byte> mask, int height, int width,
        IReadOnlyList<RoiWindow> patches, int cropHeight, int cropWidth, double threshold)
    {
        if (map.Length != h * w) throw new ArgumentException($"map has {map.Length} values for a {h}x{w} grid", nameof(map));
        if (mask.Length != height * width) throw new ArgumentException($"mask has {mask.Length} values for {height}x{width}", nameof(mask));
        var peak = 0;
        for (var i = 1; i < map.Length; i++) if (map[i] > map[peak]) peak = i;
        int peakRow = peak / w, peakCol = peak % w;
        bool peakHit = false;
        long intersection = 0, selected = 0, lesion = 0;
        for (var y = 0; y < height; y++)
        {
            var gy = (int)((long)y * h / height);
            for (var x = 0; x < width; x++)
            {
                var gx = (int)((long)x * w / width);
                var inLesion = mask[y * width + x] != 0;
                var inSaliency = map[gy * w + gx] >= threshold;
                if (inLesion) lesion++;
                if (inSaliency) selected++;
                if (inLesion && inSaliency) intersection++;
                if (inLesion && gy == peakRow && gx == peakCol) peakHit = true;
            }
        }
        var dice = selected + lesion == 0 ? 1.0 : 2.0 * intersection / (selected + lesion);
        var patchHit = false;
        foreach (var p in patches) patchHit |= ContainsLesion(mask, height, width, p.Row, p.Column, cropHeight, cropWidth);
        return new Result(peakHit, dice, patchHit);
    }

    private static bool ContainsLesion(ReadOnlySpan<byte> mask, int height, int width, int row, int col, int ch, int cw)
    {
        for (var y = Math.Max(0, row); y < Math.Min(height, row + ch); y++)
            for (var x = Math.Max(0, col); x < Math.Min(width, col + cw); x++)
                if (mask[y * width + x] != 0) return true;
        return false;
    }
}
