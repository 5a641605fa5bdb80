namespace MedLearn.Models.Gmic;

/// <summary>
/// The architecture settings of <see cref="GmicModel"/> (method 2 of the methods specification). Defaults are the
/// published ones: 2 classes (benign, malignant), t = 0.02, K = 6 patches of 256 x 256.
/// </summary>
/// <param name="Classes">Number of sigmoid outputs (multi-label).</param>
/// <param name="TopTPercent">t of the top-t% aggregation, in (0, 1]: y_global is the mean of the top
/// round_half_to_even(h * w * t) saliency values (see <see cref="TopTPercentPooling"/>).</param>
/// <param name="Patches">K, the number of patches retrieve_roi selects per image.</param>
/// <param name="CropHeight">Patch height in input pixels.</param>
/// <param name="CropWidth">Patch width in input pixels.</param>
/// <param name="LocalInChannels">Input channels of the local ResNet-18: 3 (the grayscale patch repeated, as in
/// the authors' checkpoints) or 1.</param>
public sealed record GmicOptions(
    int Classes = 2,
    double TopTPercent = 0.02,
    int Patches = 6,
    int CropHeight = 256,
    int CropWidth = 256,
    int LocalInChannels = 3)
{
    /// <summary>Channels of the global module's feature map h_g (ResNet-22's last stage).</summary>
    public const int GlobalChannels = 256;

    /// <summary>Length of a patch's feature vector h_k (ResNet-18's last stage).</summary>
    public const int LocalChannels = 512;

    /// <summary>Hidden size M of the gated attention.</summary>
    public const int AttentionHidden = 128;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Classes < 1) throw new ArgumentException($"GMIC needs at least one class, got {Classes}");
        if (!(TopTPercent > 0 && TopTPercent <= 1)) throw new ArgumentException($"GMIC top-t% must be in (0, 1], got {TopTPercent}");
        if (Patches < 1) throw new ArgumentException($"GMIC needs at least one patch (K), got {Patches}");
        if (CropHeight < 1 || CropWidth < 1) throw new ArgumentException($"GMIC crop size must be positive, got {CropHeight}x{CropWidth}");
        if (LocalInChannels is not (1 or 3)) throw new ArgumentException($"GMIC local-module input channels must be 1 or 3, got {LocalInChannels}");
    }
}
