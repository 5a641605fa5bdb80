using MedLearn.Torch.Amp;

namespace MedLearn.Methods.Gmic;

/// <summary>How <see cref="GmicPredictor"/> predicts.</summary>
public sealed record GmicInferenceOptions
{
    /// <summary>The output reported as <see cref="GmicImageResult.Probabilities"/> (default y_fusion, GMIC's prediction).</summary>
    public GmicHead Head { get; init; } = GmicHead.Fusion;

    /// <summary>
    /// Views averaged per image: 1 = plain inference (default); n &gt; 1 = test-time augmentation over the image and
    /// n − 1 crop jitters (<see cref="CropJitter"/>; the paper uses 10). Probabilities of every head are the mean over
    /// the views; saliency maps, boxes and attention weights are those of the un-jittered view.
    /// </summary>
    public int Augmentations { get; init; } = 1;

    /// <summary>Smallest crop scale of the jitter (each side at least this fraction of the input), in (0, 1].</summary>
    public double MinCropScale { get; init; } = 0.9;

    /// <summary>Seed of the jitters.</summary>
    public ulong Seed { get; init; }

    /// <summary>Inference precision (auto: the machine's fastest, as for training).</summary>
    public Precision Precision { get; init; } = Precision.Auto;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Augmentations < 1) throw new ArgumentException($"tta: the number of test-time views must be >= 1 (got {Augmentations})");
        if (!(MinCropScale > 0 && MinCropScale <= 1)) throw new ArgumentException($"tta-min-scale: must be in (0, 1] (got {MinCropScale})");
        if (!Enum.IsDefined(Head)) throw new ArgumentException($"head: unknown GMIC head {Head}");
    }
}
