using MedLearn.Torch.Nn;

namespace MedLearn.Data.Transforms;

/// <summary>Where <see cref="SpatialPad"/> puts the padding.</summary>
public enum PadMethod
{
    /// <summary>Split evenly: <c>⌊(out − in)/2⌋</c> before, the rest after (MONAI's "symmetric", the default).</summary>
    Symmetric,
    /// <summary>Everything after the data (MONAI's "end").</summary>
    End,
}

/// <summary>
/// Pads image and mask to at least the given spatial size (MONAI <c>SpatialPad</c>): axes already at least that
/// large are left unchanged (never cropped). The image is padded with <see cref="Mode"/> (constant
/// <see cref="Value"/> by default 0, or reflect / replicate / circular); the mask always with 0.
/// </summary>
/// <remarks>
/// Edge cases: a size of 0 or less on an axis means "keep"; reflect padding requires the pad to be smaller than
/// the axis (libtorch raises otherwise). The affine origin moves to the new first voxel. A mask whose spatial size
/// differs from the image's is an <see cref="ArgumentException"/>.
/// </remarks>
/// <param name="size">Minimum spatial size in tensor order; one value applies to every axis.</param>
/// <param name="method">Padding placement (default symmetric).</param>
/// <param name="mode">Image padding mode (default constant).</param>
/// <param name="value">Constant fill of the image (default 0).</param>
public sealed class SpatialPad(long[] size, PadMethod method = PadMethod.Symmetric, PadMode mode = PadMode.Constant, double value = 0) : ITransform
{
    /// <summary>Minimum spatial size (one value = all axes).</summary>
    public long[] Size { get; } = size.Length is >= 1 and <= 3 ? size : throw new ArgumentException("SpatialPad: size must have 1-3 values");

    /// <summary>Padding placement.</summary>
    public PadMethod Method { get; } = method;

    /// <summary>Image padding mode.</summary>
    public PadMode Mode { get; } = mode;

    /// <summary>Constant fill of the image.</summary>
    public double Value { get; } = value;

    /// <summary>Padding (before, after) per spatial axis for an input size.</summary>
    public (long Before, long After)[] Padding(long[] spatial)
    {
        var target = Size.Length == 1 ? Enumerable.Repeat(Size[0], spatial.Length).ToArray()
            : Size.Length == spatial.Length ? Size : throw new ArgumentException($"SpatialPad: size {TransformHelpers.Fmt(Size)} does not fit {spatial.Length} spatial dims");
        return spatial.Select((s, a) =>
        {
            var extra = Math.Max(0, target[a] - s);
            var before = Method == PadMethod.Symmetric ? extra / 2 : 0;
            return (before, extra - before);
        }).ToArray();
    }

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        var dims = TransformHelpers.CheckSpatial(sample, nameof(SpatialPad));
        var pads = Padding(TransformHelpers.Spatial(sample.Image));
        if (pads.All(p => p is (0, 0))) return sample;
        var flat = PadArray(pads);
        var img = sample.Image;
        sample.Image = TransformHelpers.Scoped(() => PadImage(img, flat, Mode, Value));
        if (sample.Mask is { } m) sample.Mask = TransformHelpers.Scoped(() => Functional.Pad(m, flat));
        sample.Meta = TransformHelpers.Shift(sample.Meta, dims, pads.Select(p => -p.Before).ToArray());
        return sample;
    }

    /// <summary>(before, after) per tensor-order axis → F.pad's last-axis-first list.</summary>
    internal static long[] PadArray((long Before, long After)[] pads)
    {
        var flat = new long[2 * pads.Length];
        for (var a = 0; a < pads.Length; a++)
        {
            var k = 2 * (pads.Length - 1 - a);
            (flat[k], flat[k + 1]) = pads[a];
        }
        return flat;
    }

    /// <summary>Pads a channel-first tensor; non-constant modes run on a batched view as libtorch requires.</summary>

    internal static MedLearn.Torch.Tensor PadImage(MedLearn.Torch.Tensor x, long[] flat, PadMode mode, double value)
    {
        if (mode == PadMode.Constant) return Functional.Pad(x, flat, mode, value);
        using var b = x.Unsqueeze(0);
        using var p = Functional.Pad(b, flat, mode);
        return p.Squeeze(0);
    }

}
