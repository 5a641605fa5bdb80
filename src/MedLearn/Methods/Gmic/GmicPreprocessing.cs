using MedLearn.Data.Transforms;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// The preprocessing profiles of GMIC runs (setting <c>preprocessing</c>), the same for training and evaluation.
/// Both start by refusing a 16-bit image whose values fit in 8 bits (<see cref="BitDepthCheck"/>) and, when a minimum
/// side is given (the crop size in training and evaluation), an image smaller than it (<see cref="MinimumSizeCheck"/>);
/// then a DICOM's own VOI LUT or window maps it to [0, 1] (<see cref="FileVoi"/>; MONOCHROME1 is inverted by the reader);
/// then they scale integer images to [0, 1] by their bit depth (a 16-bit PNG by 65535, whatever its content)
/// and converting to one channel (RGB to luminance), and end with a per-image standardisation
/// (<c>(x - mean) / std</c> over the whole image, <see cref="NormalizeIntensity"/>).
/// <list type="bullet">
/// <item><c>resize</c> (default): resize (bilinear; masks nearest) to image-height x image-width.</item>
/// <item><c>screening</c>: flip to a common laterality (the manifest's laterality when it has one: R images are flipped,
/// <see cref="FlipByLaterality"/>; else from the image: chest wall on the left, <see cref="FlipToCommonLaterality"/>),
/// crop to the largest connected foreground component (<see cref="BreastCrop"/>; an image without one is refused),
/// then place it without distortion in the image-height x image-width canvas, padded with the minimum
/// (<see cref="FitAndPad"/>).</item>
/// </list>
/// </summary>
public static class GmicPreprocessing
{
    /// <summary>The profile names.</summary>
    public static IReadOnlyList<string> Profiles { get; } = ["resize", "screening"];

    /// <summary>The transform of <paramref name="profile"/> for inputs of <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static ITransform Create(int height, int width, string profile = "resize") => Create(height, width, profile, null, 0);

    /// <summary>
    /// The transform of <paramref name="profile"/> with the manifest's <paramref name="laterality"/> by image path (null =
    /// decide from the image) and images smaller than <paramref name="minimumSide"/> refused (0 = no minimum).
    /// </summary>
    public static ITransform Create(int height, int width, string profile, IReadOnlyDictionary<string, string>? laterality, int minimumSide)
    {
        var checks = new List<ITransform> { new BitDepthCheck() };
        if (minimumSide > 0) checks.Add(new MinimumSizeCheck(minimumSide, minimumSide, "the crop size"));
        checks.Add(new FileVoi());
        ITransform flip = laterality is { Count: > 0 } ? new FlipByLaterality(laterality) : new FlipToCommonLaterality();
        return profile switch
        {
            "resize" => new Compose([.. checks, new ScaleIntensity(), new ToChannels(1), new Resize([height, width]), new NormalizeIntensity()]),
            "screening" => new Compose([.. checks, new ScaleIntensity(), new ToChannels(1), flip, new BreastCrop(),
                new FitAndPad(height, width), new NormalizeIntensity()]),
            _ => throw new ArgumentException($"preprocessing: must be {string.Join(" or ", Profiles)} (got '{profile}')"),
        };
    }
}
