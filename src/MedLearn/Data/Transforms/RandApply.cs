namespace MedLearn.Data.Transforms;

/// <summary>
/// Applies <see cref="Transform"/> with probability <see cref="Probability"/> (torchvision <c>RandomApply</c>):
/// one <c>Random.NextDouble()</c> is drawn; the transform runs when it is &lt; p (then drawing its own randomness
/// from the same context).
/// </summary>
/// <remarks>Edge cases: p = 0 never applies, p = 1 always; p outside [0, 1] is an error. Default p 0.5.</remarks>
public sealed class RandApply(ITransform transform, double probability = 0.5) : ITransform
{
    /// <summary>The wrapped transform.</summary>
    public ITransform Transform { get; } = transform ?? throw new ArgumentNullException(nameof(transform));

    /// <summary>Application probability.</summary>
    public double Probability { get; } = probability is >= 0 and <= 1 ? probability : throw new ArgumentOutOfRangeException(nameof(probability));

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context) =>
        context.Random.NextDouble() < Probability ? Transform.Apply(sample, context) : sample;
}
