using MedLearn.Torch;

namespace MedLearn.Data.Transforms;

/// <summary>
/// Augmentation on collated batches <c>[N, C, H, W]</c> / <c>[N, C, D, H, W]</c>, cheaper than per-sample calls
/// (a few ops for the whole batch) while keeping per-sample decisions: each sample's decision comes from its own
/// <see cref="TransformContext"/>, drawn exactly as the per-sample transform draws it, so the batch result equals
/// applying the per-sample transform to each sample (worker-count independent).
/// </summary>
public static class BatchTransforms
{
    /// <summary>
    /// Per-channel <c>(x − mean[c]) / std[c]</c> on a batch (channel dim 1), as <see cref="Transforms.Normalize"/>.
    /// Zero std or a channel-count mismatch is an <see cref="ArgumentException"/>.
    /// </summary>
    public static Tensor Normalize(Tensor batch, double[] mean, double[] std)
    {
        if (std.Length != mean.Length || std.Any(s => s == 0)) throw new ArgumentException("Normalize: std must match mean and be nonzero");
        if (batch.Dim < 3) throw new ArgumentException($"BatchTransforms.Normalize: expected [N, C, ...], got {TransformHelpers.Fmt(batch.Shape)}");
        return TransformHelpers.Scoped(() => Transforms.Normalize.Run(batch, mean, std, channelDim: 1));
    }

    /// <summary>
    /// Per-sample random flips of a batch and (optionally) its masks: for each axis of <paramref name="flip"/>,
    /// sample n is flipped when its context's draw says so (<see cref="RandomFlip.Decide"/>), implemented as
    /// <c>where(flag[n], flip(x), x)</c> per axis. Returns the new (batch, masks).
    /// </summary>
    /// <remarks>
    /// The contexts must be in batch order, one per sample (a count mismatch is an <see cref="ArgumentException"/>);
    /// the masks must have the batch's spatial size.
    /// </remarks>
    public static (Tensor Batch, Tensor? Masks) RandomFlip(Tensor batch, IReadOnlyList<TransformContext> contexts, Transforms.RandomFlip flip, Tensor? masks = null)
    {
        var n = batch.Size(0);
        var dims = batch.Dim - 2;
        if (dims is < 2 or > 3) throw new ArgumentException($"BatchTransforms.RandomFlip: expected [N, C, H, W] or [N, C, D, H, W], got {TransformHelpers.Fmt(batch.Shape)}");
        if (contexts.Count != n) throw new ArgumentException($"BatchTransforms.RandomFlip: {contexts.Count} contexts for a batch of {n}");
        if (masks is not null && (masks.Dim != batch.Dim || !masks.Shape[2..].SequenceEqual(batch.Shape[2..]) || masks.Size(0) != n))
            throw new ArgumentException($"BatchTransforms.RandomFlip: masks {TransformHelpers.Fmt(masks.Shape)} do not match batch {TransformHelpers.Fmt(batch.Shape)}");
        var axes = TransformHelpers.Axes(flip.Axes, dims, nameof(RandomFlip));
        var decisions = contexts.Select(flip.Decide).ToArray();
        Tensor Run(Tensor x)
        {
            using var scope = DisposeScope.Open();
            var flagShape = Enumerable.Repeat(1L, x.Dim).ToArray();
            flagShape[0] = n;
            for (var i = 0; i < axes.Length; i++)
            {
                var flags = decisions.Select(d => d[i]).ToArray();
                if (!flags.Any(f => f)) continue;
                var flipped = x.Flip(axes[i] + 2L);
                x = flags.All(f => f) ? flipped : torch.Where(torch.FromArray(flags, flagShape), flipped, x);
            }
            if (x.Scope == scope) scope.MoveToOuter(x);
            else x = x.Alias();
            return x;
        }
        return (Run(batch), masks is null ? null : Run(masks));
    }
}
