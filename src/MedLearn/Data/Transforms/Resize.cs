using MedLearn.Torch;

namespace MedLearn.Data.Transforms;

/// <summary>
/// Resizes image and mask to a spatial size (torchvision <c>Resize</c> / MONAI <c>Resize</c>). The image is
/// resampled (bi/tri)linearly with <c>align_corners=false</c> — exactly <c>F.interpolate(x[None], size,
/// mode="bilinear"|"trilinear", align_corners=False)</c>; no antialiasing is applied (torchvision's
/// <c>antialias=True</c> is not implemented, so strong downsampling aliases). The mask uses PyTorch's legacy
/// nearest (source index <c>⌊dst·in/out⌋</c>), so its values stay a subset of its labels.
/// </summary>
/// <remarks>
/// <para>Sizes: either an explicit size per spatial axis, or <c>Resize(shorter)</c> like torchvision's
/// <c>Resize(256)</c>: the shorter spatial side becomes <c>shorter</c> and every other side <c>⌊shorter·side/short⌋</c>
/// (aspect kept; in 3-D all three axes scale together); with <see cref="MaxSize"/> the longer side is capped and
/// the shorter recomputed as torchvision does.</para>
/// <para>Meta: the voxel spacing scales by <c>in/out</c> per axis and the affine is updated so that world positions
/// of voxel centres stay consistent (new voxel v is old continuous voxel <c>(v + 0.5)·in/out − 0.5</c>).</para>
/// <para>Edge cases: non-positive sizes are an error; the image must be floating point (integer images: ToFloat /
/// ScaleIntensity first); a mask whose spatial size differs from the image's is an <see cref="ArgumentException"/>.</para>
/// </remarks>
public sealed class Resize : ITransform
{
    /// <summary>Resize to an explicit spatial size (tensor order: [H, W] or [D, H, W]).</summary>
    public Resize(params long[] size)
    {
        if (size.Length is < 2 or > 3 || size.Any(s => s <= 0)) throw new ArgumentException($"Resize: size must be 2 or 3 positive values, got {TransformHelpers.Fmt(size)}");
        Size = size;
    }

    /// <summary>Resize so that the shorter spatial side equals <paramref name="shorterSide"/> (torchvision <c>Resize(int)</c>).</summary>
    public Resize(long shorterSide, long? maxSize = null)
    {
        if (shorterSide <= 0) throw new ArgumentOutOfRangeException(nameof(shorterSide), "must be > 0");
        if (maxSize is { } m && m <= shorterSide) throw new ArgumentException($"Resize: maxSize {m} must be greater than the shorter side {shorterSide}");
        ShorterSide = shorterSide;
        MaxSize = maxSize;
    }

    /// <summary>Explicit output size, or null in shorter-side mode.</summary>
    public long[]? Size { get; }

    /// <summary>Target of the shorter side, or null in explicit-size mode.</summary>
    public long? ShorterSide { get; }

    /// <summary>Cap on the longer side in shorter-side mode (torchvision's max_size).</summary>
    public long? MaxSize { get; }

    /// <summary>The output spatial size for an input spatial size (torchvision's _compute_resized_output_size).</summary>
    public long[] OutputSize(long[] spatial)
    {
        if (Size is { } s)
        {
            if (s.Length != spatial.Length) throw new ArgumentException($"Resize: size {TransformHelpers.Fmt(s)} has {s.Length} dims but the image has {spatial.Length} spatial dims");
            return s;
        }
        var shortIn = spatial.Min();
        var shortAxis = Array.LastIndexOf(spatial, shortIn); // torchvision: w <= h => w is the short side
        var longIn = spatial.Max();
        var newShort = ShorterSide!.Value;
        var newLong = (long)(newShort * longIn / (double)shortIn);
        var capped = false;
        if (MaxSize is { } max && newLong > max)
        {
            newShort = (long)(max * newShort / (double)newLong);
            newLong = max;
            capped = true;
        }
        return spatial.Select((x, a) => a == shortAxis ? newShort
            : capped && x == longIn ? newLong
            : (long)(newShort * x / (double)shortIn)).ToArray();
    }

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        var dims = TransformHelpers.CheckSpatial(sample, nameof(Resize));
        TransformHelpers.CheckFloat(sample, nameof(Resize));
        var inSize = TransformHelpers.Spatial(sample.Image);
        var outSize = OutputSize(inSize);
        Apply(sample, outSize, dims);
        return sample;
    }

    /// <summary>Resamples image (linear) and mask (nearest) to <paramref name="outSize"/> and updates the meta.</summary>
    internal static void Apply(Sample sample, long[] outSize, int dims)
    {
        var inSize = TransformHelpers.Spatial(sample.Image);
        if (inSize.SequenceEqual(outSize)) return;
        var img = sample.Image;
        sample.Image = TransformHelpers.Scoped(() => TransformHelpers.Interp(img, outSize, nearest: false));
        if (sample.Mask is { } m) sample.Mask = TransformHelpers.MaskThroughFloat(m, f => TransformHelpers.Interp(f, outSize, nearest: true));
        var factor = new double[dims];
        var offset = new double[dims];
        for (var a = 0; a < dims; a++)
        {
            factor[a] = inSize[a] / (double)outSize[a];
            offset[a] = 0.5 * factor[a] - 0.5;
        }
        sample.Meta = TransformHelpers.Regrid(sample.Meta, dims, offset, factor);
    }
}
