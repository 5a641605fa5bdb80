namespace MedLearn.Morphology;

/// <summary>
/// The surface (border voxels) of a binary mask: <c>surface = mask XOR erode(mask)</c>, with a one-step binary
/// erosion by the 6-connected cross (a voxel stays only when it and its 6 face neighbours are foreground).
/// </summary>
/// <remarks>
/// Edge rule: voxels outside the grid count as background (scipy's <c>binary_erosion</c> default border_value = 0),
/// so foreground touching the grid edge is surface there. An empty mask has an empty surface; a mask one voxel thick
/// is all surface. A 2-D mask (D = 1) uses the 4-connected cross in-plane (its single slice has no D neighbours
/// that count: the D axis is skipped when D = 1, as a 2-D erosion would do).
/// </remarks>
public static class MaskSurface
{
    /// <summary>The surface voxels of <paramref name="mask"/> as a mask on the same grid.</summary>
    public static BinaryMask Of(BinaryMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var (d, h, w) = (mask.Shape[0], mask.Shape[1], mask.Shape[2]);
        var surface = new bool[mask.Length];
        var voxels = mask.Voxels;
        var useDepth = d > 1;
        for (var z = 0; z < d; z++)
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var i = (z * h + y) * w + x;
            if (!voxels[i]) continue;
            var interior = x > 0 && x < w - 1 && voxels[i - 1] && voxels[i + 1]
                && y > 0 && y < h - 1 && voxels[i - w] && voxels[i + w]
                && (!useDepth || (z > 0 && z < d - 1 && voxels[i - h * w] && voxels[i + h * w]));
            surface[i] = !interior;
        }
        return new BinaryMask(surface, mask.Shape, mask.Spacing);
    }
}
