namespace MedLearn.Data.Transforms;

/// <summary>Applies transforms in order (torchvision's Compose / MONAI's Compose).</summary>
public sealed class Compose(params IReadOnlyList<ITransform> transforms) : ITransform
{
    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<ITransform> Transforms { get; } = transforms;

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        foreach (var t in Transforms) sample = t.Apply(sample, context);
        return sample;
    }
}
