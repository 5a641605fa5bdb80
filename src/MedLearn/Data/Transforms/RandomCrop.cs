using MedLearn.Torch.Nn;

namespace MedLearn.Data.Transforms;

/// <summary>
/// Crops a block of the given spatial size at a uniformly random position (torchvision <c>RandomCrop</c>),
/// image and mask together. Optionally pads first: <see cref="Padding"/> on every side, then (with
/// <see cref="PadIfNeeded"/>) up to the crop size, split evenly as torchvision does. The start along each axis is
/// <c>randint(0, in − out + 1)</c> drawn from <see cref="TransformContext.Random"/>, axes in tensor order.
/// </summary>
/// <remarks>
/// Edge cases: a crop larger than the (padded) image without <see cref="PadIfNeeded"/> is an
/// <see cref="ArgumentException"/> (torchvision raises too); the image is padded with <see cref="PaddingMode"/>
/// (constant <see cref="Fill"/> = 0 by default), the mask always with 0. Works for 2-D and 3-D and any dtype; the
/// affine origin moves to the first kept voxel. Mask/image spatial mismatch is an <see cref="ArgumentException"/>.
/// </remarks>
/// <param name="size">Crop size in tensor order; one value applies to every axis.</param>
/// <param name="padding">Padding added on both sides of every spatial axis before cropping (default 0).</param>
/// <param name="padIfNeeded">Pad axes smaller than the crop (default false).</param>
/// <param name="fill">Constant fill for the image (default 0).</param>
/// <param name="paddingMode">Image padding mode (default constant).</param>
public sealed class RandomCrop(long[] size, long padding = 0, bool padIfNeeded = false, double fill = 0, PadMode paddingMode = PadMode.Constant) : ITransform
{
    /// <summary>Crop size (one value = all axes).</summary>
    public long[] Size { get; } = size.Length is >= 1 and <= 3 && size.All(s => s > 0) ? size
        : throw new ArgumentException($"RandomCrop: size must be 1-3 positive values, got {TransformHelpers.Fmt(size)}");

    /// <summary>Padding on both sides of every spatial axis.</summary>
    public long Padding { get; } = padding >= 0 ? padding : throw new ArgumentOutOfRangeException(nameof(padding));

    /// <summary>Pad axes smaller than the crop size.</summary>
    public bool PadIfNeeded { get; } = padIfNeeded;

    /// <summary>Constant fill for the image.</summary>
    public double Fill { get; } = fill;

    /// <summary>Image padding mode.</summary>
    public PadMode PaddingMode { get; } = paddingMode;

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        var dims = TransformHelpers.CheckSpatial(sample, nameof(RandomCrop));
        var outSize = Size.Length == 1 ? Enumerable.Repeat(Size[0], dims).ToArray()
            : Size.Length == dims ? Size : throw new ArgumentException($"RandomCrop: size {TransformHelpers.Fmt(Size)} does not fit {dims} spatial dims");
        var inSize = TransformHelpers.Spatial(sample.Image);
        var pads = new (long Before, long After)[dims];
        for (var a = 0; a < dims; a++)
        {
            var (before, after) = (Padding, Padding);
            var padded = inSize[a] + 2 * Padding;
            if (PadIfNeeded && padded < outSize[a])
            {
                // torchvision pads the missing amount on both sides
                var missing = outSize[a] - padded;
                before += missing;
                after += missing;
            }
            pads[a] = (before, after);
            if (inSize[a] + before + after < outSize[a])
                throw new ArgumentException($"RandomCrop: crop size {TransformHelpers.Fmt(outSize)} is larger than the (padded) image {TransformHelpers.Fmt(inSize)}");
        }
        // random start in the padded frame, drawn axis by axis
        var start = new long[dims];
        for (var a = 0; a < dims; a++)
            start[a] = context.Random.NextInt64(0, inSize[a] + pads[a].Before + pads[a].After - outSize[a] + 1) - pads[a].Before;
        if (PaddingMode == PadMode.Constant || pads.All(p => p is (0, 0)))
        {
            var img = sample.Image;
            sample.Image = TransformHelpers.Scoped(() => TransformHelpers.CropOrPad(img, start, outSize, Fill));
        }
        else
        {
            var img = sample.Image;
            var flat = SpatialPad.PadArray(pads);
            sample.Image = TransformHelpers.Scoped(() =>
                TransformHelpers.CropOrPad(SpatialPad.PadImage(img, flat, PaddingMode, 0), start.Select((s, a) => s + pads[a].Before).ToArray(), outSize));
        }
        if (sample.Mask is { } m) sample.Mask = TransformHelpers.Scoped(() => TransformHelpers.CropOrPad(m, start, outSize));
        sample.Meta = TransformHelpers.Shift(sample.Meta, dims, start);
        return sample;
    }
}
