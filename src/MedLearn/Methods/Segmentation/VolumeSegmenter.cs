using MedLearn.Data;
using MedLearn.Data.Writers;
using MedLearn.Morphology;
using MedLearn.Torch;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// Segments whole volumes with a trained network: z-score normalisation of the image (as in training), sliding-window
/// probabilities (<see cref="SlidingWindowInference"/>), argmax (for two classes: foreground where p₁ argmax (for two classes: foreground where p₁ ≥ 0.5, thegt; 0.5, the
/// reference threshold), optional <see cref="LargestConnectedComponent"/> per foreground class, and NIfTI output that
/// keeps the input's geometry (spacing, orientation, origin).
/// </summary>
public static class VolumeSegmenter
{
    /// <summary>Segments <paramref name="image"/> [C, D, H, W] (raw intensities) with <paramref name="logits"/>.</summary>
    /// <param name="logits">The network (patch [B, C, ...] → logits [B, K, ...]); run in evaluation mode by the caller.</param>
    /// <param name="image">The volume.</param>
    /// <param name="window">Sliding-window options.</param>
    /// <param name="largestComponent">Keep only the largest 26-connected component of each foreground class.</param>
    /// <param name="zScore">Normalise intensities to zero mean and unit variance per channel over the volume first.</param>
    public static VolumePrediction Predict(Func<Tensor, Tensor> logits, Tensor image, SlidingWindowOptions window, bool largestComponent = false, bool zScore = true)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(image);
        using var scope = DisposeScope.Open();
        var x = zScore ? ZScore(image) : image.To(DType.Float32);
        var probs = SlidingWindowInference.Probabilities(logits, x, window);
        var labels = probs.Argmax(0, keepdim: true).To(DType.UInt8);
        if (largestComponent)
        {
            var classes = probs.Size(0);
            var shape = labels.Shape[1..].Select(s => (int)s).ToArray();
            var values = labels.Contiguous().ToArray<byte>();
            var kept = new byte[values.Length];
            for (var c = 1; c < classes; c++)
            {
                var cc = LargestConnectedComponent.Of(new BinaryMask(values.Select(v => v == c).ToArray(), shape));
                for (var i = 0; i < kept.Length; i++) if (cc[i]) kept[i] = (byte)c;
            }
            labels = torch.FromSpan<byte>(kept, labels.Shape);
        }
        var uncertainty = UncertaintyMap.Entropy(probs.Unsqueeze(0)).Squeeze(0);
        return new VolumePrediction(scope.MoveToOuter(labels), scope.MoveToOuter(probs), scope.MoveToOuter(uncertainty));
    }

    /// <summary>The normalisation <see cref="Predict"/> applies: per channel (x − mean) / (sd + 1e-8), sd with n − 1, over the volume [C, D, H, W]; float32.</summary>
    public static Tensor ZScore(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var scope = DisposeScope.Open();
        var x = image.To(DType.Float32);
        var flat = x.Flatten(1);
        return scope.MoveToOuter((x - flat.Mean(1, keepdim: true).View(-1, 1, 1, 1)) / (flat.Std(1, 1, keepdim: true).View(-1, 1, 1, 1) + 1e-8));
    }

    /// <summary>
    /// Writes <paramref name="prediction"/>'s labels to <paramref name="labelsPath"/> (uint8 NIfTI) with <paramref name="geometry"/>
    /// (the input image's metadata), and the probabilities / uncertainty when their paths are given. Atomic writes.
    /// </summary>
    public static void Write(VolumePrediction prediction, ImageMeta geometry, string labelsPath, string? probabilitiesPath = null, string? uncertaintyPath = null)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(geometry);
        var meta = geometry with { BitsStored = 8, RescaleSlope = 1, RescaleIntercept = 0, WindowCenter = null, WindowWidth = null, VoiLut = null, VoiLutFunction = null };
        NiftiWriter.Write(prediction.Labels, meta, labelsPath);
        var floatMeta = meta with { BitsStored = 32 };
        if (probabilitiesPath is not null) NiftiWriter.Write(prediction.Probabilities, floatMeta, probabilitiesPath);
        if (uncertaintyPath is not null) NiftiWriter.Write(prediction.Uncertainty, floatMeta, uncertaintyPath);
    }
}
