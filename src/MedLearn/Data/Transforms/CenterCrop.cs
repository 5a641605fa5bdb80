namespace MedLearn.Data.Transforms;

/// <summary>
/// Crops the central block of the given spatial size from image and mask (torchvision <c>CenterCrop</c>):
/// along each axis the block starts at <c>round((in − out) / 2)</c> (round half to even, as Python's round).
/// </summary>
/// <remarks>
/// Edge case — crop larger than the image: that axis is first zero-padded by <c>⌊(out − in)/2⌋</c> before and
/// <c>⌈(out − in)/2⌉</c> after (torchvision's rule), so the output always has the requested size; the mask is padded
/// with 0. Works for 2-D and 3-D and for any dtype. The meta's affine origin moves to the new first voxel
/// (spacing unchanged). A mask whose spatial size differs from the image's is an <see cref="ArgumentException"/>.
/// </remarks>
/// <param name="size">Output spatial size in tensor order ([H, W] or [D, H, W]); one value applies to every axis.</param>
public sealed class CenterCrop(params long[] size) : ITransform
{
    /// <summary>Output spatial size (one value = all axes).</summary>
    public long[] Size { get; } = size.Length is >= 1 and <= 3 && size.All(s => s > 0) ? size
        : throw new ArgumentException($"CenterCrop: size must be 1-3 positive values, got {TransformHelpers.Fmt(size)}");

    /// <summary>Start (old voxel index, negative = padding) of the central block along one axis.</summary>
    public static long Start(long inSize, long outSize) =>
        outSize <= inSize ? (long)Math.Round((inSize - outSize) / 2.0, MidpointRounding.ToEven) : -((outSize - inSize) / 2);

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        var dims = TransformHelpers.CheckSpatial(sample, nameof(CenterCrop));
        var inSize = TransformHelpers.Spatial(sample.Image);
        var outSize = Size.Length == 1 ? Enumerable.Repeat(Size[0], dims).ToArray()
            : Size.Length == dims ? Size : throw new ArgumentException($"CenterCrop: size {TransformHelpers.Fmt(Size)} does not fit {dims} spatial dims");
        var start = inSize.Select((s, a) => Start(s, outSize[a])).ToArray();
        TransformHelpers.Both(sample, t => TransformHelpers.CropOrPad(t, start, outSize));
        sample.Meta = TransformHelpers.Shift(sample.Meta, dims, start);
        return sample;
    }
}
