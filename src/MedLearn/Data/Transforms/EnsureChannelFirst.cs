namespace MedLearn.Data.Transforms;

/// <summary>
/// Brings image and mask to channel-first layout (MONAI <c>EnsureChannelFirst</c>): a tensor with exactly
/// <see cref="ImageMeta.SpatialDims"/> dims gets a leading channel of 1 (<c>x.unsqueeze(0)</c>); with
/// <see cref="ChannelLast"/> an image with one extra trailing dim is moved to the front (<c>[H, W, C] → [C, H, W]</c>).
/// </summary>
/// <remarks>
/// Edge cases: a tensor that already has SpatialDims + 1 dims is taken as channel-first (unless ChannelLast); any
/// other rank is an <see cref="ArgumentException"/>. The mask gets a channel dim when it lacks one. Any dtype.
/// </remarks>
/// <param name="channelLast">The input stores channels last (default false).</param>
public sealed class EnsureChannelFirst(bool channelLast = false) : ITransform
{
    /// <summary>The input stores channels last.</summary>
    public bool ChannelLast { get; } = channelLast;

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        var sd = sample.Meta.SpatialDims;
        var img = sample.Image;
        if (img.Dim == sd) sample.Image = TransformHelpers.Scoped(() => img.Unsqueeze(0));
        else if (img.Dim == sd + 1)
        {
            if (ChannelLast) sample.Image = TransformHelpers.Scoped(() => img.Movedim(-1, 0).Contiguous());
        }
        else throw new ArgumentException($"EnsureChannelFirst: image {TransformHelpers.Fmt(img.Shape)} does not have {sd} or {sd + 1} dims (Meta.SpatialDims = {sd})");
        if (sample.Mask is { } m && m.Dim == sd) sample.Mask = TransformHelpers.Scoped(() => m.Unsqueeze(0));
        return sample;
    }
}
