using MedLearn.Data.Readers;
using MedLearn.Data.Writers;
using MedLearn.Torch;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// A PNG montage of one case: rows are slices across the first spatial axis (D, the through-plane axis: axial for
/// volumes stored z-last as NIfTI is), columns are image | ground truth | prediction | uncertainty.
/// </summary>
/// <remarks>
/// <para>Slices: the fractions <see cref="SliceFractions"/> of the D-extent of the ground-truth foreground (of the
/// prediction when the truth is empty; of the whole volume when both are). Image: gray, linearly windowed to the 1st..99th
/// percentile of the volume. Ground truth: green, prediction: red, each blended 50 % over the gray image. Uncertainty
/// (predictive entropy): black → red → yellow → white over 0 .. ln K. Each slice is enlarged by an integer factor
/// (nearest neighbour) so that its longer side is at least <see cref="MinimumPanel"/> pixels; 4-pixel white gutters.</para>
/// </remarks>
public static class SliceMontage
{
    /// <summary>Positions of the slices within the object's extent along D.</summary>
    public static IReadOnlyList<double> SliceFractions { get; } = [0.25, 0.5, 0.75];

    /// <summary>Minimum size in pixels of a panel's longer side.</summary>
    public const int MinimumPanel = 160;

    private const int Gutter = 4;

    /// <summary>Reads the four volumes and writes the montage PNG to <paramref name="outputPath"/> (atomic).</summary>
    public static void Write(string imagePath, string labelPath, string predictionPath, string uncertaintyPath, int classes, string outputPath)
    {
        using var scope = DisposeScope.Open();
        using var image = ImageReader.Read(imagePath);
        using var label = ImageReader.Read(labelPath);
        using var prediction = ImageReader.Read(predictionPath);
        using var uncertainty = ImageReader.Read(uncertaintyPath);
        PngWriter.Write(Render(image.Data.Select(0, 0), label.Data.Select(0, 0), prediction.Data.Select(0, 0), uncertainty.Data.Select(0, 0), classes), outputPath);
    }

    /// <summary>The slice indices along D for a truth / prediction of depth <paramref name="depth"/> (see the remarks).</summary>
    public static int[] Slices(bool[] truthRows, bool[] predictionRows, int depth)
    {
        var rows = truthRows.Any(r => r) ? truthRows : predictionRows.Any(r => r) ? predictionRows : null;
        var (first, last) = rows is null ? (0, depth - 1) : (Array.IndexOf(rows, true), Array.LastIndexOf(rows, true));
        return [.. SliceFractions.Select(f => first + (int)Math.Round(f * (last - first))).Distinct()];
    }

    /// <summary>
    /// The montage as uint8 [3, H, W]: <paramref name="image"/>, <paramref name="truth"/>, <paramref name="prediction"/>
    /// and <paramref name="uncertainty"/> are [D, H, W] volumes of one case.
    /// </summary>
    public static Tensor Render(Tensor image, Tensor truth, Tensor prediction, Tensor uncertainty, int classes)
    {
        ArgumentNullException.ThrowIfNull(image);
        var shape = image.Shape;
        if (shape.Length != 3) throw new ArgumentException($"expected [D, H, W] volumes, got [{string.Join(", ", shape)}]", nameof(image));
        foreach (var (t, name) in new[] { (truth, "truth"), (prediction, "prediction"), (uncertainty, "uncertainty") })
            if (!t.Shape.SequenceEqual(shape)) throw new ArgumentException($"{name} shape [{string.Join(", ", t.Shape)}] differs from the image's [{string.Join(", ", shape)}]");
        var (d, h, w) = ((int)shape[0], (int)shape[1], (int)shape[2]);
        var img = image.To(DType.Float32).Contiguous().ToArray<float>();
        var gt = truth.To(DType.Int64).Contiguous().ToArray<long>();
        var pr = prediction.To(DType.Int64).Contiguous().ToArray<long>();
        var un = uncertainty.To(DType.Float32).Contiguous().ToArray<float>();
        var plane = h * w;
        bool[] Rows(long[] m) => [.. Enumerable.Range(0, d).Select(z => m.AsSpan(z * plane, plane).IndexOfAnyExcept(0L) >= 0)];
        var slices = Slices(Rows(gt), Rows(pr), d);
        var sorted = img.Where(float.IsFinite).Order().ToArray();
        var (lo, hi) = sorted.Length == 0 ? (0f, 1f) : (sorted[(int)(0.01 * (sorted.Length - 1))], sorted[(int)(0.99 * (sorted.Length - 1))]);
        if (!(hi > lo)) hi = lo + 1;
        var maxEntropy = Math.Log(Math.Max(2, classes));
        var scale = Math.Max(1, (int)Math.Ceiling(MinimumPanel / (double)Math.Max(h, w)));
        var (ph, pw) = (h * scale, w * scale);
        var width = 4 * pw + 3 * Gutter;
        var height = slices.Length * ph + (slices.Length - 1) * Gutter;
        var rgb = new byte[3 * height * width];
        Array.Fill(rgb, (byte)255);
        for (var row = 0; row < slices.Length; row++)
        {
            var z = slices[row];
            for (var y = 0; y < ph; y++)
            for (var x = 0; x < pw; x++)
            {
                var v = z * plane + y / scale * w + x / scale;
                var g = Math.Clamp((img[v] - lo) / (hi - lo), 0, 1) * 255;
                var gray = (g, g, g);
                var truthPixel = gt[v] > 0 ? Blend(gray, (0, 200, 80)) : gray;
                var predictedPixel = pr[v] > 0 ? Blend(gray, (230, 40, 40)) : gray;
                var heat = Heat(un[v] / maxEntropy);
                var top = row * (ph + Gutter) + y;
                Put(rgb, height, width, top, x, gray);
                Put(rgb, height, width, top, pw + Gutter + x, truthPixel);
                Put(rgb, height, width, top, 2 * (pw + Gutter) + x, predictedPixel);
                Put(rgb, height, width, top, 3 * (pw + Gutter) + x, heat);
            }
        }
        return torch.FromSpan<byte>(rgb, [3, height, width]);
    }

    private static (double R, double G, double B) Blend((double R, double G, double B) a, (double R, double G, double B) b) =>
        (0.5 * a.R + 0.5 * b.R, 0.5 * a.G + 0.5 * b.G, 0.5 * a.B + 0.5 * b.B);

    /// <summary>black (0) → red (1/3) → yellow (2/3) → white (1).</summary>
    private static (double R, double G, double B) Heat(double t)
    {
        t = double.IsFinite(t) ? Math.Clamp(t, 0, 1) : 0;
        return (255 * Math.Min(1, 3 * t), 255 * Math.Clamp(3 * t - 1, 0, 1), 255 * Math.Clamp(3 * t - 2, 0, 1));
    }

    private static void Put(byte[] rgb, int height, int width, int y, int x, (double R, double G, double B) c)
    {
        var i = y * width + x;
        rgb[i] = (byte)Math.Round(c.R);
        rgb[height * width + i] = (byte)Math.Round(c.G);
        rgb[2 * height * width + i] = (byte)Math.Round(c.B);
    }
}
