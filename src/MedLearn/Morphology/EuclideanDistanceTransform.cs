namespace MedLearn.Morphology;

/// <summary>
/// Exact Euclidean distance transform on an anisotropic 3-D grid (Felzenszwalb &amp; Huttenlocher, "Distance
/// Transforms of Sampled Functions", 2012): <c>d(p) = min over target voxels q of sqrt(sum_a (s_a (p_a − q_a))²)</c>,
/// with <c>s</c> the voxel spacing. It is separable: the squared transform is computed as three 1-D lower envelopes
/// of parabolas (along W, then H, then D), O(voxels) in total, exact (no chamfer approximation).
/// </summary>
/// <remarks>
/// <para>Edge cases: target voxels get 0; when there is no target voxel at all every distance is +∞.</para>
/// <para>Equals scipy's <c>distance_transform_edt(~target, sampling=spacing)</c> (checked in tests against values from
/// tools/golden/gen_segmentation.py). libtorch has no distance transform, so this is written in C#.</para>
/// </remarks>
public static class EuclideanDistanceTransform
{
    /// <summary>Distance of every voxel to the nearest voxel where <paramref name="target"/> is true, in spacing units.</summary>
    public static double[] DistanceTo(BinaryMask target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var sq = SquaredDistanceTo(target);
        for (var i = 0; i < sq.Length; i++) sq[i] = Math.Sqrt(sq[i]);
        return sq;
    }

    /// <summary>Squared distance of every voxel to the nearest target voxel (+∞ when there is none).</summary>
    public static double[] SquaredDistanceTo(BinaryMask target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var (d, h, w) = (target.Shape[0], target.Shape[1], target.Shape[2]);
        var f = new double[target.Length];
        for (var i = 0; i < f.Length; i++) f[i] = target[i] ? 0 : double.PositiveInfinity;
        if (target.IsEmpty) return f;
        var longest = Math.Max(d, Math.Max(h, w));
        var line = new double[longest];
        var result = new double[longest];
        var v = new int[longest];
        var z = new double[longest + 1];
        // Axis W (stride 1), H (stride w), D (stride h*w).
        Pass(f, d * h, w, 1, (k) => k * w, target.Spacing[2], line, result, v, z);
        Pass(f, d * w, h, w, (k) => k / w * h * w + k % w, target.Spacing[1], line, result, v, z);
        Pass(f, h * w, d, h * w, (k) => k, target.Spacing[0], line, result, v, z);
        return f;
    }

    private static void Pass(double[] f, int lines, int n, int stride, Func<int, int> start, double spacing,
        double[] line, double[] result, int[] v, double[] z)
    {
        for (var k = 0; k < lines; k++)
        {
            var s0 = start(k);
            for (var i = 0; i < n; i++) line[i] = f[s0 + i * stride];
            Envelope(line, n, spacing, result, v, z);
            for (var i = 0; i < n; i++) f[s0 + i * stride] = result[i];
        }
    }

    private static double Intersection(double[] f, int q, int p, double s2) =>
        ((f[q] + s2 * q * q) - (f[p] + s2 * p * p)) / (2 * s2 * (q - p));

    /// <summary>1-D squared transform r(p) = min_q (s (p − q))² + f(q) over the finite f(q) (Felzenszwalb's algorithm).</summary>
    private static void Envelope(double[] f, int n, double s, double[] r, int[] v, double[] z)
    {
        var s2 = s * s;
        var k = -1;
        for (var q = 0; q < n; q++)
        {
            if (double.IsPositiveInfinity(f[q])) continue;
            if (k < 0)
            {
                k = 0; v[0] = q; z[0] = double.NegativeInfinity; z[1] = double.PositiveInfinity;
                continue;
            }
            // Drop envelope parabolas hidden by the one rooted at q (z[0] = −∞ keeps the first).
            var sect = Intersection(f, q, v[k], s2);
            while (sect <= z[k]) sect = Intersection(f, q, v[--k], s2);
            k++; v[k] = q; z[k] = sect; z[k + 1] = double.PositiveInfinity;
        }
        if (k < 0)
        {
            for (var p = 0; p < n; p++) r[p] = double.PositiveInfinity;
            return;
        }
        var j = 0;
        for (var p = 0; p < n; p++)
        {
            while (z[j + 1] < p) j++;
            var dq = s * (p - v[j]);
            r[p] = dq * dq + f[v[j]];
        }
    }
}
