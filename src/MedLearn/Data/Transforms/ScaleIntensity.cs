using MedLearn.Torch;

namespace MedLearn.Data.Transforms;

/// <summary>
/// Converts an integer image to float32 in [0, 1]: <c>y = x / divisor</c>, where the divisor defaults to 255 for
/// uint8 and to <c>2^BitsStored − 1</c> (from <see cref="ImageMeta.BitsStored"/>) for other integer dtypes — the
/// same as torchvision's ToTensor / ConvertImageDtype for 8-bit input. The mask is never intensity-transformed.
/// </summary>
/// <remarks>
/// Edge cases: a floating-point image is only cast to float32 (not rescaled) unless <see cref="Divisor"/> is given
/// explicitly; signed data (negative values) maps below 0 — no clipping is done. BitsStored ≤ 0 or &gt; 32 is an error.
/// </remarks>
/// <param name="divisor">Fixed divisor; null (default) derives it from the dtype / meta as described.</param>
public sealed class ScaleIntensity(double? divisor = null) : IPointwiseTransform
{
    /// <summary>The fixed divisor, or null for the dtype/BitsStored rule.</summary>
    public double? Divisor { get; } = divisor is <= 0 ? throw new ArgumentOutOfRangeException(nameof(divisor), "must be > 0") : divisor;

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        var img = sample.Image;
        double d;
        if (Divisor is { } fixedDivisor) d = fixedDivisor;
        else if (img.DType.IsFloatingPoint()) d = 1;
        else if (img.DType == DType.UInt8) d = 255;
        else
        {
            var bits = sample.Meta.BitsStored;
            if (bits is <= 0 or > 32) throw new ArgumentException($"ScaleIntensity: BitsStored {bits} out of range (1..32)");
            d = Math.Pow(2, bits) - 1;
        }
        sample.Image = TransformHelpers.Scoped(() =>
        {
            var f = img.To(DType.Float32);
            return d == 1 ? f : f.Div(d);
        });
        return sample;
    }
}
