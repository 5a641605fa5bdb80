using MedLearn.Torch;

namespace MedLearn.Data.Transforms;

/// <summary>
/// Refuses a "16-bit image read as 8-bit": an integer image whose source declares more than 8 bits
/// (<see cref="ImageMeta.BitsStored"/> &gt; 8, e.g. a 16-bit PNG or a 12/16-bit DICOM) but whose values all fit in 8 bits
/// (maximum &lt;= 255). Such a file is an 8-bit image (or an image squashed to 8 bits) saved in a 16-bit container:
/// <see cref="ScaleIntensity"/> would divide it by 2^bits - 1 and the screening pipeline would see an almost black
/// image with 1/256 of its intended dynamic range. Run it before <see cref="ScaleIntensity"/>; 8-bit and float images
/// pass unchanged.
/// </summary>
/// <remarks>Edge case: an all-zero 16-bit image is refused too (it has no content in any bit depth).</remarks>
public sealed class BitDepthCheck : ITransform
{
    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        var image = sample.Image;
        if (image.DType.IsFloatingPoint() || image.DType == DType.UInt8 || sample.Meta.BitsStored <= 8) return sample;
        long max;
        using (DisposeScope.Open()) max = image.Max().ToInt64();
        if (max <= 255)
            throw new InvalidDataException($"a {sample.Meta.BitsStored}-bit image whose values all fit in 8 bits (maximum {max}): an 8-bit image saved as " +
                $"{sample.Meta.BitsStored}-bit (it would be scaled by 1/{(1L << Math.Min(sample.Meta.BitsStored, 62)) - 1} to an almost black image); " +
                "export the original screening image with its full bit depth, or save 8-bit data as an 8-bit file");
        return sample;
    }
}
