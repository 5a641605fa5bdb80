namespace MedLearn.Data.Transforms;

/// <summary>
/// Reverses image and mask along the given spatial axes: <c>y[..., i, ...] = x[..., n − 1 − i, ...]</c>
/// (<c>torch.flip</c>). Axes are spatial (0 = H in 2-D, D in 3-D; −1 = W), so <c>Flip(-1)</c> is torchvision's
/// horizontal flip and <c>Flip(-2)</c> its vertical flip.
/// </summary>
/// <remarks>
/// Edge cases: an empty axis list is the identity; out-of-range axes are an <see cref="ArgumentException"/>.
/// Flipping is an augmentation: the meta's affine is not changed. Works for any dtype. Mask/image spatial
/// mismatch is an <see cref="ArgumentException"/>.
/// </remarks>
/// <param name="axes">Spatial axes to flip (default: the last one, horizontal).</param>
public sealed class Flip(params int[] axes) : ITransform
{
    /// <summary>Spatial axes flipped (empty argument list = last axis).</summary>
    public int[] Axes { get; } = axes.Length == 0 ? [-1] : axes;

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        var dims = TransformHelpers.CheckSpatial(sample, nameof(Flip));
        var ax = TransformHelpers.Axes(Axes, dims, nameof(Flip));
        Run(sample, ax);
        return sample;
    }

    /// <summary>Flips image and mask along spatial axes <paramref name="axes"/> (already normalised).</summary>
    internal static void Run(Sample sample, int[] axes)
    {
        if (axes.Length == 0) return;
        var dims = axes.Select(a => (long)a + 1).ToArray();
        TransformHelpers.Both(sample, t => t.Flip(dims));
    }
}
