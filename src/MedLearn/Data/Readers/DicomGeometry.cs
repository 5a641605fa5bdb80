using MedLearn.Torch;
using MedLearn.Torch.Vision;

namespace MedLearn.Data.Readers;

/// <summary>Geometry helpers shared by <see cref="DicomReader"/> and <see cref="DicomSeriesReader"/> (LPS, mm).</summary>
internal static class DicomGeometry
{
    /// <summary>Relative tolerance on slice gaps (a missing slice doubles one gap).</summary>
    public const double GapTolerance = 0.05;

    public static double[] Cross(ReadOnlySpan<double> a, ReadOnlySpan<double> b) =>
        [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

    /// <summary>Slice normal n = row cosine x column cosine (IOP[0..3] x IOP[3..6]).</summary>
    public static double[] Normal(double[] iop) => Cross(iop.AsSpan(0, 3), iop.AsSpan(3, 3));

    /// <summary>
    /// Row-major 4x4 affine from (i, j, k) = (column, row, slice) indices to LPS mm: columns row_cosine * column
    /// spacing, column_cosine * row spacing, normal * slice spacing, origin.
    /// </summary>
    public static double[] Affine(double[] iop, double rowSpacing, double colSpacing, double sliceSpacing, double[] origin)
    {
        var n = Normal(iop);
        var a = ImageMeta.Identity4();
        for (var r = 0; r < 3; r++)
        {
            a[r * 4 + 0] = iop[r] * colSpacing;
            a[r * 4 + 1] = iop[3 + r] * rowSpacing;
            a[r * 4 + 2] = n[r] * sliceSpacing;
            a[r * 4 + 3] = origin[r];
        }
        return a;
    }

    /// <summary>Diagonal affine for images without patient geometry (CoordinateSpace.Pixel).</summary>
    public static double[] Diagonal(double sx, double sy, double sz)
    {
        var a = ImageMeta.Identity4();
        a[0] = sx;
        a[5] = sy;
        a[10] = sz;
        return a;
    }

    /// <summary>
    /// Orders slice positions along <paramref name="normal"/> and returns the order and the slice spacing, or a
    /// reason why the positions are not one evenly spaced stack (duplicate, missing slice, off-axis positions).
    /// </summary>
    public static (int[] Order, double Spacing, string? Problem) Stack(IReadOnlyList<double[]> positions, double[] normal, string what)
    {
        var proj = positions.Select(p => Dot(p, normal)).ToArray();
        var order = Enumerable.Range(0, proj.Length).OrderBy(i => proj[i]).ToArray();
        if (order.Length < 2) return (order, double.NaN, null);
        var gaps = new double[order.Length - 1];
        for (var i = 0; i < gaps.Length; i++) gaps[i] = proj[order[i + 1]] - proj[order[i]];
        var sorted = gaps.Order().ToArray();
        var median = sorted[sorted.Length / 2];
        if (gaps.Min() <= 1e-4)
            return (order, double.NaN, $"two {what}s lie at the same position along the slice normal");
        var tol = GapTolerance * median + 1e-3;
        for (var i = 0; i < gaps.Length; i++)
            if (Math.Abs(gaps[i] - median) > tol)
                return (order, double.NaN,
                    $"inconsistent slice spacing: gap of {gaps[i]:0.###} mm between {what}s {i} and {i + 1} (sorted) vs {median:0.###} mm elsewhere (missing {what}?)");
        // Positions must advance along the normal: an in-plane offset (gantry tilt) would shear the affine.
        var p0 = positions[order[0]];
        for (var i = 1; i < order.Length; i++)
        {
            var p = positions[order[i]];
            var d = new[] { p[0] - p0[0], p[1] - p0[1], p[2] - p0[2] };
            var along = Dot(d, normal);
            var off = Math.Sqrt(Math.Max(0, Dot(d, d) - along * along));
            if (off > 0.01 * Math.Abs(along) + 1e-3)
                return (order, double.NaN, $"{what} positions are not stacked along the slice normal (gantry tilt or mixed stacks): {off:0.###} mm off axis");
        }
        return (order, gaps.Average(), null);
    }

    /// <summary>The slope/intercept to apply: RescaleSlope/Intercept, or DoseGridScaling for RT dose.</summary>
    public static (double Slope, double Intercept) Scaling(DicomFile f) =>
        (f.RescaleSlope ?? (f.RescaleIntercept is null ? f.DoseGridScaling ?? 1 : 1), f.RescaleIntercept ?? 0);

    /// <summary>ImageMeta.ColorSpace for a photometric interpretation.</summary>
    public static string ColorSpace(string photometric) => photometric switch
    {
        "MONOCHROME2" or "" => "gray",
        "RGB" or "YBR_RCT" or "YBR_ICT" => "rgb", // JPEG 2000 decoders undo RCT/ICT: the samples are RGB
        _ => photometric,
    };
}
