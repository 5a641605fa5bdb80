namespace MedLearn.Data.Transforms;

/// <summary>Applies a <see cref="LabelMap"/> to the sample's mask (int64 result); the image is untouched. A sample without mask passes through.</summary>
/// <param name="map">The mapping.</param>
public sealed class MapLabels(LabelMap map) : ITransform
{
    /// <summary>The mapping.</summary>
    public LabelMap Map { get; } = map ?? throw new ArgumentNullException(nameof(map));

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.Mask is { } mask) sample.Mask = TransformHelpers.Scoped(() => Map.Apply(mask));
        return sample;
    }
}
