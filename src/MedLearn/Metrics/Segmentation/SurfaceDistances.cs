using MedLearn.Morphology;

namespace MedLearn.Metrics.Segmentation;

/// <summary>
/// Directed surface distances: for every surface voxel of A, the Euclidean distance (in spacing units) to the nearest
/// surface voxel of B, <c>d(a, ∂B) = min_{b ∈ ∂B} ‖s ⊙ (a − b)‖</c>, with surfaces from <see cref="MaskSurface"/>
/// (mask XOR 6-connected erosion) and the exact transform of <see cref="EuclideanDistanceTransform"/> — medpy's
/// <c>__surface_distances</c>, which the UG-MCL reference code evaluates with.
/// </summary>
/// <remarks>Either mask empty: the set is undefined and this returns an empty array (the metrics apply their own rule).</remarks>
public static class SurfaceDistances
{
    /// <summary>Distances from the surface of <paramref name="from"/> to the surface of <paramref name="to"/>, in voxel order.</summary>
    /// <exception cref="ArgumentException">The masks have different shapes or spacings.</exception>
    public static double[] Directed(BinaryMask from, BinaryMask to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        from.RequireSameGrid(to, "surface distance");
        if (from.IsEmpty || to.IsEmpty) return [];
        return Directed(MaskSurface.Of(from), EuclideanDistanceTransform.DistanceTo(MaskSurface.Of(to)));
    }

    /// <summary>Values of <paramref name="distanceToOtherSurface"/> at the voxels of <paramref name="surface"/>.</summary>
    internal static double[] Directed(BinaryMask surface, double[] distanceToOtherSurface)
    {
        var result = new double[surface.Count];
        var n = 0;
        for (var i = 0; i < surface.Length; i++)
            if (surface[i]) result[n++] = distanceToOtherSurface[i];
        return result;
    }
}
