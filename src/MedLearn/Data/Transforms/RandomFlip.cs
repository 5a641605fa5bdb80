namespace MedLearn.Data.Transforms;

/// <summary>
/// Flips image and mask along each of the given spatial axes independently with probability
/// <see cref="Probability"/> (torchvision <c>RandomHorizontalFlip(p=0.5)</c> with the defaults; MONAI
/// <c>RandFlip</c>-like per axis). One <c>Random.NextDouble()</c> is drawn per axis, in the order given, whether or
/// not it flips (a flip happens when the draw is &lt; p), so the stream use is fixed.
/// </summary>
/// <remarks>
/// Edge cases: p = 0 never flips, p = 1 always flips; axes out of range are an <see cref="ArgumentException"/>.
/// <see cref="BatchTransforms.RandomFlip"/> makes the same decisions from the same contexts on a batch.
/// </remarks>
/// <param name="probability">Flip probability per axis (default 0.5).</param>
/// <param name="axes">Spatial axes (default: the last one, horizontal).</param>
public sealed class RandomFlip(double probability = 0.5, params int[] axes) : ITransform
{
    /// <summary>Flip probability per axis.</summary>
    public double Probability { get; } = probability is >= 0 and <= 1 ? probability : throw new ArgumentOutOfRangeException(nameof(probability));

    /// <summary>Spatial axes considered.</summary>
    public int[] Axes { get; } = axes.Length == 0 ? [-1] : axes;

    /// <summary>The per-axis decisions for one context (consumes one draw per axis).</summary>
    public bool[] Decide(TransformContext context) => Axes.Select(_ => context.Random.NextDouble() < Probability).ToArray();

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        var dims = TransformHelpers.CheckSpatial(sample, nameof(RandomFlip));
        var ax = TransformHelpers.Axes(Axes, dims, nameof(RandomFlip));
        var flips = Decide(context);
        Flip.Run(sample, ax.Where((_, i) => flips[i]).ToArray());
        return sample;
    }
}
