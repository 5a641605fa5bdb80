namespace MedLearn.Morphology;

/// <summary>
/// Keeps the largest 26-connected foreground component of a mask (the reference code's <c>getLargestCC</c>, which uses
/// skimage's <c>label</c> with full connectivity): voxels sharing a face, edge or corner belong to one component.
/// </summary>
/// <remarks>Ties keep the component met first in row-major order. An empty mask stays empty.</remarks>
public static class LargestConnectedComponent
{
    /// <summary>The largest component of <paramref name="mask"/>, on the same grid.</summary>
    public static BinaryMask Of(BinaryMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.IsEmpty) return mask;
        var (d, h, w) = (mask.Shape[0], mask.Shape[1], mask.Shape[2]);
        var label = new int[mask.Length];
        var stack = new Stack<int>();
        int best = 0, bestSize = 0, next = 0;
        for (var start = 0; start < mask.Length; start++)
        {
            if (!mask[start] || label[start] != 0) continue;
            next++;
            var size = 0;
            label[start] = next;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var i = stack.Pop();
                size++;
                var (z, y, x) = (i / (h * w), i / w % h, i % w);
                for (var dz = -1; dz <= 1; dz++)
                for (var dy = -1; dy <= 1; dy++)
                for (var dx = -1; dx <= 1; dx++)
                {
                    var (nz, ny, nx) = (z + dz, y + dy, x + dx);
                    if (nz < 0 || nz >= d || ny < 0 || ny >= h || nx < 0 || nx >= w) continue;
                    var j = (nz * h + ny) * w + nx;
                    if (!mask[j] || label[j] != 0) continue;
                    label[j] = next;
                    stack.Push(j);
                }
            }
            if (size > bestSize) (best, bestSize) = (next, size);
        }
        var keep = new bool[mask.Length];
        for (var i = 0; i < keep.Length; i++) keep[i] = label[i] == best;
        return new BinaryMask(keep, mask.Shape, mask.Spacing);
    }
}
