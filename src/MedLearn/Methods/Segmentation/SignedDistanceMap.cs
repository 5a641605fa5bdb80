using MedLearn.Morphology;
using MedLearn.Torch;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// The ground-truth signed distance map (SDF) of a binary mask that UG-MCL's distance head regresses (methods.md §3):
/// <c>d_out</c> = Euclidean distance of each background voxel to the foreground, <c>d_in</c> = of each foreground voxel
/// to the background (exact transform, <see cref="EuclideanDistanceTransform"/>), and
/// <c>SDF = d_out / max(d_out) − d_in / max(d_in)</c>, set to 0 on the inner boundary (foreground voxels with a
/// 6-connected background neighbour inside the grid). Range [−1, 1], negative inside, positive outside.
/// </summary>
/// <remarks>
/// <para>Distances are in voxels (unit spacing), as the reference code's <c>compute_sdf</c>; each object is normalised
/// by its own maxima (one binary mask = one object). Matches that code (scipy + skimage find_boundaries(mode='inner'))
/// in tests.</para>
/// <para>Edge rules: an empty mask gives all zeros; a mask with no background voxel (the whole grid is foreground)
/// gives −1 everywhere except its inner boundary, which is empty, so all −1 (every voxel is "deep inside").</para>
/// </remarks>
public static class SignedDistanceMap
{
    /// <summary>The SDF of <paramref name="mask"/> in row-major voxel order (its spacing is ignored: voxel units).</summary>
    public static float[] Compute(BinaryMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var n = mask.Length;
        var sdf = new float[n];
        if (mask.IsEmpty) return sdf;
        if (mask.Count == n)
        {
            Array.Fill(sdf, -1f);
            return sdf;
        }
        var unit = mask.WithSpacing([1, 1, 1]);
        var background = new bool[n];
        for (var i = 0; i < n; i++) background[i] = !unit[i];
        var backgroundMask = new BinaryMask(background, unit.Shape);
        var dOut = EuclideanDistanceTransform.DistanceTo(unit);          // background voxels: distance to the foreground
        var dIn = EuclideanDistanceTransform.DistanceTo(backgroundMask); // foreground voxels: distance to the background
        double maxOut = 0, maxIn = 0;
        for (var i = 0; i < n; i++)
        {
            if (unit[i]) maxIn = Math.Max(maxIn, dIn[i]);
            else maxOut = Math.Max(maxOut, dOut[i]);
        }
        for (var i = 0; i < n; i++)
            // d_in = 1 exactly <=> a face neighbour is background: the inner boundary, set to 0.
            sdf[i] = unit[i] ? (dIn[i] <= 1.0 ? 0f : (float)(-dIn[i] / maxIn)) : (float)(dOut[i] / maxOut);
        return sdf;
    }

    /// <summary>The SDF of a mask tensor (<c>[D, H, W]</c> or <c>[1, D, H, W]</c>, non-zero = foreground) as a float32 tensor of the same shape.</summary>
    public static Tensor Compute(Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var values = Compute(BinaryMask.FromTensor(mask));
        return torch.FromSpan<float>(values, mask.Shape);
    }
}
