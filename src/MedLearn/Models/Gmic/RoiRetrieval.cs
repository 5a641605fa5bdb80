using MedLearn.Torch;

namespace MedLearn.Models.Gmic;

/// <summary>
/// GMIC's greedy, class-agnostic retrieve_roi. Each class map A_c is min-max normalised over space (a constant
/// map normalises to 0, where the authors' code divides by zero) and the maps are summed over classes: M.
/// The window on the saliency grid is <c>round(cropH * h / H) x round(cropW * w / W)</c> (half to even, at least
/// 1). K times: average-pool M with the window (stride 1, no padding), take the first maximum in row-major
/// order as the window's upper-left corner, set M to 0 inside that window. Grid corners map to input pixels by
/// <c>round(r / h * H)</c>, <c>round(c / w * W)</c> (half to even). Runs on a managed copy of the small map, so
/// the order and ties are exact and no gradient flows through the selection.
/// </summary>
public static class RoiRetrieval
{
    /// <summary>The window on an <paramref name="gridHeight"/> x <paramref name="gridWidth"/> grid for a crop on an
    /// <paramref name="inputHeight"/> x <paramref name="inputWidth"/> input.</summary>
    public static (int Height, int Width) GridWindow(int gridHeight, int gridWidth, int inputHeight, int inputWidth, int cropHeight, int cropWidth)
    {
        var h = (int)Math.Round((double)cropHeight * gridHeight / inputHeight, MidpointRounding.ToEven);
        var w = (int)Math.Round((double)cropWidth * gridWidth / inputWidth, MidpointRounding.ToEven);
        return (Math.Clamp(h, 1, gridHeight), Math.Clamp(w, 1, gridWidth));
    }

    /// <summary>
    /// The <paramref name="patches"/> windows of every image, in selection order, from saliency maps [N, C, h, w]
    /// of an input of <paramref name="inputHeight"/> x <paramref name="inputWidth"/> pixels.
    /// </summary>
    /// <exception cref="ArgumentException">The crop is larger than the input, or K exceeds the number of
    /// non-overlapping windows that fit on the grid.</exception>
    public static RoiWindow[][] Retrieve(Tensor saliency, int inputHeight, int inputWidth, int cropHeight, int cropWidth, int patches)
    {
        if (saliency.Dim != 4) throw new ArgumentException($"expected saliency maps [N, C, h, w], got [{string.Join(", ", saliency.Shape)}]", nameof(saliency));
        var shape = saliency.Shape;
        int n = (int)shape[0], c = (int)shape[1], h = (int)shape[2], w = (int)shape[3];
        CheckFits(h, w, inputHeight, inputWidth, cropHeight, cropWidth, patches);
        var (wh, ww) = GridWindow(h, w, inputHeight, inputWidth, cropHeight, cropWidth);
        float[] data;
        using (var scope = DisposeScope.Open())
            data = saliency.Detach().To(DType.Float32).Contiguous().ToArray<float>();
        var result = new RoiWindow[n][];
        for (var i = 0; i < n; i++)
        {
            var map = CombinedMap(data.AsSpan(i * c * h * w, c * h * w), c, h, w);
            result[i] = new RoiWindow[patches];
            for (var k = 0; k < patches; k++)
            {
                var (r, col) = BestWindow(map, h, w, wh, ww);
                for (var y = r; y < r + wh; y++)
                    for (var x = col; x < col + ww; x++) map[y * w + x] = 0;
                result[i][k] = new RoiWindow(r, col, ToInput(r, h, inputHeight), ToInput(col, w, inputWidth));
            }
        }
        return result;
    }

    /// <summary>Throws when a crop is larger than the input or K exceeds the non-overlapping windows on the grid.</summary>
    public static void CheckFits(int gridHeight, int gridWidth, int inputHeight, int inputWidth, int cropHeight, int cropWidth, int patches)
    {
        if (cropHeight > inputHeight || cropWidth > inputWidth)
            throw new ArgumentException($"the image ({inputHeight}x{inputWidth}) is smaller than the GMIC crop size ({cropHeight}x{cropWidth})");
        var (wh, ww) = GridWindow(gridHeight, gridWidth, inputHeight, inputWidth, cropHeight, cropWidth);
        var fit = (gridHeight / wh) * (gridWidth / ww);
        if (patches > fit)
            throw new ArgumentException($"K = {patches} patches exceeds the {fit} non-overlapping {wh}x{ww} windows on the {gridHeight}x{gridWidth} saliency grid of a {inputHeight}x{inputWidth} image with {cropHeight}x{cropWidth} crops");
    }

    /// <summary>round(position / grid * input), half to even.</summary>
    public static int ToInput(int position, int grid, int input) =>
        (int)Math.Round((double)position / grid * input, MidpointRounding.ToEven);

    private static double[] CombinedMap(ReadOnlySpan<float> maps, int c, int h, int w)
    {
        var sum = new double[h * w];
        for (var ch = 0; ch < c; ch++)
        {
            var m = maps.Slice(ch * h * w, h * w);
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            foreach (var v in m) { min = Math.Min(min, v); max = Math.Max(max, v); }
            var range = max - min;
            if (range <= 0) continue;
            for (var j = 0; j < m.Length; j++) sum[j] += (m[j] - min) / range;
        }
        return sum;
    }

    private static (int Row, int Column) BestWindow(double[] map, int h, int w, int wh, int ww)
    {
        double best = double.NegativeInfinity;
        int bestR = 0, bestC = 0;
        for (var r = 0; r + wh <= h; r++)
            for (var col = 0; col + ww <= w; col++)
            {
                double s = 0;
                for (var y = r; y < r + wh; y++)
                    for (var x = col; x < col + ww; x++) s += map[y * w + x];
                // Strictly greater: the first maximum in row-major order wins ties.
                if (s > best) { best = s; bestR = r; bestC = col; }
            }
        return (bestR, bestC);
    }
}
