namespace MedLearn.Data.Transforms;

/// <summary>
/// Applies exactly one of <see cref="Transforms"/>, chosen with probabilities proportional to
/// <see cref="Weights"/> (uniform by default; MONAI <c>OneOf</c>, torchvision <c>RandomChoice</c>): one
/// <c>Random.NextDouble()</c> u picks the first i with <c>u·Σw &lt; w₀ + … + wᵢ</c>.
/// </summary>
/// <remarks>Edge cases: an empty list or negative / all-zero weights are an error; zero-weight transforms are never chosen.</remarks>
public sealed class OneOf : ITransform
{
    /// <param name="transforms">The candidates.</param>
    /// <param name="weights">Relative weights (null = uniform).</param>
    public OneOf(IReadOnlyList<ITransform> transforms, IReadOnlyList<double>? weights = null)
    {
        if (transforms.Count == 0) throw new ArgumentException("OneOf: no transforms");
        weights ??= Enumerable.Repeat(1.0, transforms.Count).ToArray();
        if (weights.Count != transforms.Count || weights.Any(w => w < 0 || double.IsNaN(w)) || weights.Sum() <= 0)
            throw new ArgumentException("OneOf: need one non-negative weight per transform, not all zero");
        (Transforms, Weights) = (transforms, weights);
    }

    /// <summary>The candidates.</summary>
    public IReadOnlyList<ITransform> Transforms { get; }

    /// <summary>Relative weights.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        var u = context.Random.NextDouble() * Weights.Sum();
        var acc = 0.0;
        for (var i = 0; i < Transforms.Count; i++)
        {
            acc += Weights[i];
            if (u < acc && Weights[i] > 0) return Transforms[i].Apply(sample, context);
        }
        var last = Enumerable.Range(0, Weights.Count).Last(i => Weights[i] > 0);
        return Transforms[last].Apply(sample, context);
    }
}
