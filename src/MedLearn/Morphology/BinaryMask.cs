using MedLearn.Torch;

namespace MedLearn.Morphology;

/// <summary>
/// A binary mask on a 3-D voxel grid (<c>[D, H, W]</c>, row-major, W fastest; a 2-D mask has D = 1) with the voxel
/// spacing in the same (tensor) order, as <see cref="Data.ImageMeta.Spacing"/> gives it. Immutable: the voxel array is
/// copied in and never handed out.
/// </summary>
public sealed class BinaryMask
{
    private readonly bool[] _voxels;

    /// <summary>A mask from row-major voxels of shape <paramref name="shape"/> (<c>[D, H, W]</c> or <c>[H, W]</c>).</summary>
    /// <param name="voxels">Row-major voxels, true = foreground.</param>
    /// <param name="shape">Spatial shape, 2 or 3 positive sizes.</param>
    /// <param name="spacing">Voxel size per axis in the same order (default 1 = voxel units).</param>
    /// <exception cref="ArgumentException">Shape and voxel count disagree, a non-positive size or spacing.</exception>
    public BinaryMask(ReadOnlySpan<bool> voxels, IReadOnlyList<int> shape, IReadOnlyList<double>? spacing = null)
    {
        if (shape.Count is not (2 or 3)) throw new ArgumentException($"mask shape must have 2 or 3 dims, got {shape.Count}", nameof(shape));
        if (shape.Any(s => s <= 0)) throw new ArgumentException($"mask shape must be positive, got [{string.Join(", ", shape)}]", nameof(shape));
        Shape = shape.Count == 3 ? [shape[0], shape[1], shape[2]] : [1, shape[0], shape[1]];
        spacing ??= Enumerable.Repeat(1.0, shape.Count).ToArray();
        if (spacing.Count != shape.Count) throw new ArgumentException($"spacing has {spacing.Count} values for a {shape.Count}-D mask", nameof(spacing));
        if (spacing.Any(s => !(s > 0) || double.IsInfinity(s))) throw new ArgumentException($"spacing must be finite and > 0, got [{string.Join(", ", spacing)}]", nameof(spacing));
        Spacing = spacing.Count == 3 ? [spacing[0], spacing[1], spacing[2]] : [1.0, spacing[0], spacing[1]];
        long n = (long)Shape[0] * Shape[1] * Shape[2];
        if (voxels.Length != n) throw new ArgumentException($"{voxels.Length} voxels for shape [{string.Join(", ", shape)}] ({n} expected)", nameof(voxels));
        _voxels = voxels.ToArray();
        Count = _voxels.Count(v => v);
    }

    /// <summary>A mask from a tensor of shape <c>[D, H, W]</c>, <c>[H, W]</c> or with a leading channel of size 1; non-zero = foreground.</summary>
    public static BinaryMask FromTensor(Tensor tensor, IReadOnlyList<double>? spacing = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var shape = tensor.Shape;
        if (shape.Length is 4 or 3 && shape[0] == 1 && (shape.Length == 4 || spacing?.Count == 2)) shape = shape[1..];
        using var scope = DisposeScope.Open();
        var flat = tensor.Ne(0).Contiguous().ToArray<bool>();
        return new BinaryMask(flat, [.. shape.Select(s => checked((int)s))], spacing);
    }

    /// <summary>Spatial shape, always 3 values <c>[D, H, W]</c> (D = 1 for 2-D masks).</summary>
    public int[] Shape { get; }

    /// <summary>Voxel size per axis in <see cref="Shape"/> order (1 for the added depth of a 2-D mask).</summary>
    public double[] Spacing { get; }

    /// <summary>Number of foreground voxels.</summary>
    public int Count { get; }

    /// <summary>True when no voxel is foreground.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>Number of voxels (D · H · W).</summary>
    public int Length => _voxels.Length;

    /// <summary>Voxel <paramref name="i"/> in row-major order.</summary>
    public bool this[int i] => _voxels[i];

    /// <summary>The voxels (read only).</summary>
    public ReadOnlySpan<bool> Voxels => _voxels;

    /// <summary>The same voxels with another spacing (e.g. unit spacing for distances in voxels).</summary>
    public BinaryMask WithSpacing(IReadOnlyList<double> spacing) =>
        new(_voxels, Shape, spacing.Count == 2 ? [1.0, spacing[0], spacing[1]] : spacing);

    /// <summary>Throws when <paramref name="other"/> has another shape or spacing.</summary>
    public void RequireSameGrid(BinaryMask other, string what)
    {
        if (!Shape.SequenceEqual(other.Shape))
            throw new ArgumentException($"{what}: mask shapes differ, [{string.Join(", ", Shape)}] vs [{string.Join(", ", other.Shape)}]");
        for (var a = 0; a < 3; a++)
            if (Math.Abs(Spacing[a] - other.Spacing[a]) > 1e-6 * Math.Max(1, Spacing[a]))
                throw new ArgumentException($"{what}: voxel spacings differ, [{string.Join(", ", Spacing)}] vs [{string.Join(", ", other.Spacing)}]");
    }
}
