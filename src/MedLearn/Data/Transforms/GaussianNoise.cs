using MedLearn.Torch;

namespace MedLearn.Data.Transforms;

/// <summary>
/// Additive Gaussian noise (MONAI <c>RandGaussianNoise</c>): with probability <see cref="Probability"/>,
/// <c>y = x + mean + std·ε</c>, ε ~ N(0, 1) i.i.d. per voxel drawn from <see cref="TransformContext.Generator"/>.
/// Defaults: prob 0.1, mean 0, std 0.1 (MONAI's; MONAI can also randomise std, this does not). The mask is untouched.
/// </summary>
/// <remarks>
/// The decision is one <c>Random.NextDouble()</c> (&lt; p applies). Edge cases: std 0 adds only the mean; no
/// clipping is done (values may leave [0, 1]); NaN stays NaN. Float images only.
/// </remarks>
/// <param name="std">Noise standard deviation ≥ 0 (default 0.1).</param>
/// <param name="probability">Application probability (default 0.1).</param>
/// <param name="mean">Noise mean (default 0).</param>
public sealed class GaussianNoise(double std = 0.1, double probability = 0.1, double mean = 0) : ITransform
{
    /// <summary>Noise standard deviation.</summary>
    public double Std { get; } = std >= 0 ? std : throw new ArgumentOutOfRangeException(nameof(std));

    /// <summary>Application probability.</summary>
    public double Probability { get; } = probability is >= 0 and <= 1 ? probability : throw new ArgumentOutOfRangeException(nameof(probability));

    /// <summary>Noise mean.</summary>
    public double Mean { get; } = mean;

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        TransformHelpers.CheckFloat(sample, nameof(GaussianNoise));
        if (context.Random.NextDouble() >= Probability) return sample;
        var img = sample.Image;
        sample.Image = TransformHelpers.Scoped(() =>
            img.Add(torch.Randn(img.Shape, context.Generator, img.DType).Mul(Std).Add(Mean)));
        return sample;
    }
}
