namespace MedLearn.Data.Transforms;

/// <summary>
/// torchvision <c>ColorJitter</c> on float images in [0, 1]: brightness, contrast, saturation and hue factors are
/// drawn as torchvision does — <c>f_b ~ U(max(0, 1 − b), 1 + b)</c>, <c>f_c ~ U(max(0, 1 − c), 1 + c)</c>,
/// <c>f_s ~ U(max(0, 1 − s), 1 + s)</c>, <c>f_h ~ U(−h, h)</c> (a parameter of 0 disables that adjustment) — and
/// applied in a random order (a uniform permutation of the four), each with the formula of
/// <see cref="ColorOps"/> (torchvision.transforms.functional semantics, results clamped to [0, 1]). The mask is
/// never touched.
/// </summary>
/// <remarks>
/// Draw order from <see cref="TransformContext.Random"/>: the permutation (Fisher–Yates, 3 draws), then the factors
/// of the enabled adjustments in the order b, c, s, h. Edge cases: saturation and hue leave 1-channel images
/// unchanged (torchvision); hue needs 3 channels; 3-D volumes work (contrast uses the whole-volume mean).
/// Defaults: all 0 (identity). hue must be in [0, 0.5]. Float images only.
/// </remarks>
/// <param name="brightness">Brightness jitter b ≥ 0.</param>
/// <param name="contrast">Contrast jitter c ≥ 0.</param>
/// <param name="saturation">Saturation jitter s ≥ 0.</param>
/// <param name="hue">Hue jitter h in [0, 0.5].</param>
public sealed class ColorJitter(double brightness = 0, double contrast = 0, double saturation = 0, double hue = 0) : ITransform
{
    /// <summary>Brightness jitter.</summary>
    public double Brightness { get; } = brightness >= 0 ? brightness : throw new ArgumentOutOfRangeException(nameof(brightness));

    /// <summary>Contrast jitter.</summary>
    public double Contrast { get; } = contrast >= 0 ? contrast : throw new ArgumentOutOfRangeException(nameof(contrast));

    /// <summary>Saturation jitter.</summary>
    public double Saturation { get; } = saturation >= 0 ? saturation : throw new ArgumentOutOfRangeException(nameof(saturation));

    /// <summary>Hue jitter.</summary>
    public double Hue { get; } = hue is >= 0 and <= 0.5 ? hue : throw new ArgumentOutOfRangeException(nameof(hue), "must be in [0, 0.5]");

    /// <summary>Draws (order, brightness, contrast, saturation, hue factors); a null factor is disabled.</summary>
    public (int[] Order, double? B, double? C, double? S, double? H) GetParams(Random random)
    {
        int[] order = [0, 1, 2, 3];
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        double? F(double v) => v > 0 ? TransformHelpers.Uniform(random, Math.Max(0, 1 - v), 1 + v) : null;
        var b = F(Brightness);
        var c = F(Contrast);
        var s = F(Saturation);
        double? h = Hue > 0 ? TransformHelpers.Uniform(random, -Hue, Hue) : null;
        return (order, b, c, s, h);
    }

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        TransformHelpers.CheckFloat(sample, nameof(ColorJitter));
        var (order, b, c, s, h) = GetParams(context.Random);
        var img = sample.Image;
        sample.Image = TransformHelpers.Scoped(() =>
        {
            var x = img;
            foreach (var k in order)
            {
                x = k switch
                {
                    0 when b is { } f => ColorOps.AdjustBrightness(x, f),
                    1 when c is { } f => ColorOps.AdjustContrast(x, f),
                    2 when s is { } f => ColorOps.AdjustSaturation(x, f),
                    3 when h is { } f => ColorOps.AdjustHue(x, f),
                    _ => x,
                };
            }
            return x == img ? img.Alias() : x;
        });
        return sample;
    }
}
