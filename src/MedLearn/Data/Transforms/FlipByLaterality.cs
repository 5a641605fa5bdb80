namespace MedLearn.Data.Transforms;

/// <summary>
/// Puts screening images in one laterality from their recorded laterality (a manifest's <c>laterality</c> column):
/// images marked <paramref name="flipped"/> ("R" by default, as the authors' code flips right breasts) are flipped
/// horizontally with their mask; others are left as they are. Images without a recorded laterality (looked up by
/// <see cref="ImageMeta.SourcePath"/>) fall back to the image-based rule of <see cref="FlipToCommonLaterality"/>.
/// </summary>
/// <param name="laterality">"L" or "R" by image path.</param>
/// <param name="flipped">The laterality that is flipped.</param>
public sealed class FlipByLaterality(IReadOnlyDictionary<string, string> laterality, string flipped = "R") : ITransform
{
    private readonly FlipToCommonLaterality _fallback = new();

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        if (sample.Meta.SourcePath is not { } path || !laterality.TryGetValue(path, out var side)) return _fallback.Apply(sample, context);
        if (TransformHelpers.CheckSpatial(sample, nameof(FlipByLaterality), allow3D: false) != 2)
            throw new ArgumentException($"{nameof(FlipByLaterality)} needs a 2-D image");
        if (side == flipped) Flip.Run(sample, [1]);
        return sample;
    }
}
