namespace MedLearn.Data.Transforms;

/// <summary>
/// Display windowing to [0, 1]: <c>y = clamp((x − (c − w/2)) / w, 0, 1)</c> for centre c and width w (MONAI
/// <c>ScaleIntensityRange(a_min = c − w/2, a_max = c + w/2, 0, 1, clip=True)</c>), so the centre maps to 0.5.
/// Centre and width default to <see cref="ImageMeta.WindowCenter"/> / <see cref="ImageMeta.WindowWidth"/> of the
/// sample (e.g. a CT lung window c = −600, w = 1500 in HU). The mask is untouched.
/// </summary>
/// <remarks>
/// This is the continuous linear window, not DICOM's discrete "c − 0.5, w − 1" variant. Edge cases: no value given
/// and none in the meta is an <see cref="InvalidOperationException"/>; width ≤ 0 is an <see cref="ArgumentException"/>;
/// NaN stays NaN (clamp propagates it). The image must be floating point.
/// </remarks>
/// <param name="center">Window centre (null = from the meta).</param>
/// <param name="width">Window width (null = from the meta).</param>
public sealed class Window(double? center = null, double? width = null) : ITransform
{
    /// <summary>Fixed centre or null.</summary>
    public double? Center { get; } = center;

    /// <summary>Fixed width or null.</summary>
    public double? Width { get; } = width is <= 0 ? throw new ArgumentOutOfRangeException(nameof(width), "must be > 0") : width;

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        TransformHelpers.CheckFloat(sample, nameof(Window));
        var c = Center ?? sample.Meta.WindowCenter ?? throw new InvalidOperationException("Window: no centre given and the meta has no WindowCenter");
        var w = Width ?? sample.Meta.WindowWidth ?? throw new InvalidOperationException("Window: no width given and the meta has no WindowWidth");
        if (w <= 0) throw new ArgumentException($"Window: width must be > 0, got {w}");
        var img = sample.Image;
        sample.Image = TransformHelpers.Scoped(() => img.Sub(c - w / 2).Div(w).Clamp(0, 1));
        return sample;
    }
}
