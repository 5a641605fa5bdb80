using MedLearn.Data.Transforms;

namespace MedLearn.Methods.Supervised;

/// <summary>
/// The preprocessing of method 5, for any input: integer images scaled to [0, 1], converted to the network's
/// channel count (gray repeated to RGB, or RGB to luminance for 1-channel networks), then
/// <list type="bullet">
/// <item>training: RandomResizedCrop(size, scale, ratio) + horizontal flip + normalisation;</item>
/// <item>evaluation: Resize(shorter side = resize) + CenterCrop(size) + normalisation.</item>
/// </list>
/// Images of mixed sizes and channel counts therefore all arrive as <c>[channels, size, size]</c> float32.
/// </summary>
public static class ClassificationTransforms
{
    /// <summary>The training augmentation.</summary>
    public static ITransform Train(ClassifierManifest manifest, IReadOnlyList<double> cropScale, IReadOnlyList<double> cropRatio, double horizontalFlip)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (cropScale.Count != 2 || cropRatio.Count != 2) throw new ArgumentException("crop-scale and crop-ratio take two numbers [min, max]");
        return new Compose(
            new ScaleIntensity(),
            new ToChannels(manifest.InChannels),
            new RandomResizedCrop([manifest.ImageSize, manifest.ImageSize], (cropScale[0], cropScale[1]), (cropRatio[0], cropRatio[1])),
            new RandomFlip(horizontalFlip),
            new Normalize([.. manifest.Mean], [.. manifest.Std]));
    }

    /// <summary>The deterministic evaluation preprocessing.</summary>
    public static ITransform Eval(ClassifierManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return new Compose(
            new ScaleIntensity(),
            new ToChannels(manifest.InChannels),
            new Resize(manifest.ResizeSize),
            new CenterCrop(manifest.ImageSize, manifest.ImageSize),
            new Normalize([.. manifest.Mean], [.. manifest.Std]));
    }
}
