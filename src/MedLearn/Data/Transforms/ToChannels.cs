using MedLearn.Torch;

namespace MedLearn.Data.Transforms;

/// <summary>
/// Converts the image to <see cref="Channels"/> channels: gray (1) → 3 by repeating the channel (for ImageNet
/// backbones); RGB(A) (3/4) → 1 by ITU-R 601-2 luminance <c>0.2989 R + 0.587 G + 0.114 B</c> (torchvision
/// rgb_to_grayscale; alpha dropped); RGBA → 3 drops alpha; equal counts pass through. Updates
/// <see cref="ImageMeta.ColorSpace"/> ("gray" / "rgb"). The mask is untouched.
/// </summary>
/// <remarks>Edge cases: any other conversion (e.g. 2 → 3) is an <see cref="ArgumentException"/>; integer images are
/// repeated as is but luminance needs a float image.</remarks>
/// <param name="channels">Target channel count: 1 or 3 (default 3).</param>
public sealed class ToChannels(int channels = 3) : IPointwiseTransform
{
    /// <summary>Target channel count.</summary>
    public int Channels { get; } = channels is 1 or 3 ? channels : throw new ArgumentOutOfRangeException(nameof(channels), "1 or 3");

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        var img = sample.Image;
        var c = img.Size(0);
        if (c == Channels) return sample;
        sample.Image = TransformHelpers.Scoped(() => (c, Channels) switch
        {
            (1, 3) => img.Repeat([3, .. Enumerable.Repeat(1L, img.Dim - 1)]),
            (3 or 4, 1) => ColorOps.Grayscale(img),
            (4, 3) => img.Narrow(0, 0, 3).Contiguous(),
            _ => throw new ArgumentException($"ToChannels: cannot convert {c} channels to {Channels} (image {TransformHelpers.Fmt(img.Shape)})"),
        });
        sample.Meta = sample.Meta with { ColorSpace = Channels == 1 ? "gray" : "rgb" };
        return sample;
    }
}
