using System.Collections.Concurrent;
using MedLearn.Morphology;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// Ground-truth SDFs computed once per labelled volume (keyed by the label file) and reused by every crop and epoch:
/// the map is computed on the whole volume and then cropped / rotated / flipped with the label, which is exact for
/// those transforms (the SDF of a rotated mask is the rotated SDF). Thread-safe; holds plain float arrays (no tensors).
/// </summary>
/// <remarks>The reference code recomputes the SDF on each cropped patch (normalised per patch); normalising per volume is
/// the specification and makes the target independent of where the crop falls.</remarks>
public sealed class SignedDistanceCache
{
    private readonly ConcurrentDictionary<string, Lazy<float[]>> _maps = new(StringComparer.Ordinal);

    /// <summary>Number of cached maps.</summary>
    public int Count => _maps.Count;

    /// <summary>The SDF of the volume identified by <paramref name="key"/>, computing it from <paramref name="mask"/> on first use.</summary>
    public float[] GetOrCompute(string key, Func<BinaryMask> mask)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(mask);
        return _maps.GetOrAdd(key, _ => new Lazy<float[]>(() => SignedDistanceMap.Compute(mask()))).Value;
    }
}
