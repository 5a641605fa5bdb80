using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Data.Transforms;

/// <summary>
/// Places a 2-D image in a fixed <c>height x width</c> canvas without distorting it: scales by
/// <c>s = min(height / H, width / W)</c> to <c>round(H s) x round(W s)</c> (bilinear, align_corners=false; the mask
/// nearest), then pads at the bottom and on the right (away from a chest wall on the left, see
/// <see cref="FlipToCommonLaterality"/>) with the image's minimum (the mask with 0).
/// </summary>
/// <remarks>Edge cases: a side that rounds to 0 becomes 1. Float images only; 2-D only.</remarks>
/// <param name="height">Canvas height.</param>
/// <param name="width">Canvas width.</param>
public sealed class FitAndPad(long height, long width) : ITransform
{
    /// <summary>Canvas height.</summary>
    public long Height { get; } = height >= 1 ? height : throw new ArgumentOutOfRangeException(nameof(height));

    /// <summary>Canvas width.</summary>
    public long Width { get; } = width >= 1 ? width : throw new ArgumentOutOfRangeException(nameof(width));

    /// <summary>The scaled size of an <paramref name="h"/> x <paramref name="w"/> image.</summary>
    public (long Height, long Width) ScaledSize(long h, long w)
    {
        var s = Math.Min((double)Height / h, (double)Width / w);
        return (Math.Clamp((long)Math.Round(h * s, MidpointRounding.ToEven), 1, Height), Math.Clamp((long)Math.Round(w * s, MidpointRounding.ToEven), 1, Width));
    }

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        if (TransformHelpers.CheckSpatial(sample, nameof(FitAndPad), allow3D: false) != 2) throw new ArgumentException($"{nameof(FitAndPad)} needs a 2-D image");
        TransformHelpers.CheckFloat(sample, nameof(FitAndPad));
        var (h, w) = ScaledSize(sample.Image.Size(1), sample.Image.Size(2));
        long[] pad = [0, Width - w, 0, Height - h];
        var image = sample.Image;
        sample.Image = TransformHelpers.Scoped(() =>
            Functional.Pad(TransformHelpers.Interp(image, [h, w], nearest: false), pad, PadMode.Constant, image.Min().ToDouble()));
        if (sample.Mask is { } m)
            sample.Mask = TransformHelpers.MaskThroughFloat(m, f => Functional.Pad(TransformHelpers.Interp(f, [h, w], nearest: true), pad));
        return sample;
    }
}
