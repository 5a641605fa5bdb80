namespace MedLearn.Data.Transforms;

/// <summary>
/// Repeats the image's channels <see cref="Times"/> times along the channel axis: <c>[C, ...] → [C·n, ...]</c>
/// (<c>x.repeat(n, 1, ...)</c>; MONAI <c>RepeatChannel</c>). The mask is untouched.
/// </summary>
/// <remarks>Edge cases: n = 1 is the identity; n &lt; 1 is an error. Any dtype.</remarks>
/// <param name="times">Repeat count (default 3).</param>
public sealed class RepeatChannels(int times = 3) : ITransform
{
    /// <summary>Repeat count.</summary>
    public int Times { get; } = times >= 1 ? times : throw new ArgumentOutOfRangeException(nameof(times));

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        if (Times == 1) return sample;
        var img = sample.Image;
        sample.Image = TransformHelpers.Scoped(() => img.Repeat([Times, .. Enumerable.Repeat(1L, img.Dim - 1)]));
        return sample;
    }
}
