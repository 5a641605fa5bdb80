using MedLearn.Data.Transforms;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// The "resize" preprocessing profile of GMIC runs, the same for training and evaluation: integer images scaled
/// to [0, 1] by their bit depth (a 16-bit PNG by 65535, whatever its content), one channel (RGB to luminance),
/// resized (bilinear; masks nearest) to image-height x image-width, then standardised per image
/// (<c>(x - mean) / std</c> over the whole image, <see cref="NormalizeIntensity"/>).
/// </summary>
public static class GmicPreprocessing
{
    /// <summary>The transform for inputs of <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static ITransform Create(int height, int width) => new Compose(
        new ScaleIntensity(),
        new ToChannels(1),
        new Resize([height, width]),
        new NormalizeIntensity());
}
