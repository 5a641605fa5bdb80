namespace MedLearn.Data.Transforms;

/// <summary>
/// Clamps intensities: <c>y = clamp(x, lo, hi)</c> with fixed bounds, or (<see cref="Percentiles"/>) with
/// lo/hi the <c>lower</c>/<c>upper</c> percentiles of the image (linear interpolation between order statistics,
/// as <c>torch.quantile</c> / <c>np.percentile</c>; see <see cref="ScaleIntensityRangePercentiles.Percentile"/>).
/// The mask is untouched.
/// </summary>
/// <remarks>
/// Edge cases: a null bound is open; NaN voxels are ignored by the percentile and stay NaN (clamp propagates NaN);
/// an all-NaN image is unchanged. lo &gt; hi is an <see cref="ArgumentException"/>. Float images only.
/// </remarks>
public sealed class Clip : ITransform
{
    /// <summary>Clamp to fixed bounds (null = open).</summary>
    public Clip(double? min, double? max)
    {
        if (min is { } a && max is { } b && a > b) throw new ArgumentException($"Clip: min {a} > max {b}");
        (Min, Max) = (min, max);
    }

    private Clip(double lower, double upper, bool _)
    {
        if (lower is < 0 or > 100 || upper is < 0 or > 100 || lower > upper)
            throw new ArgumentException($"Clip: percentiles must satisfy 0 <= lower <= upper <= 100, got ({lower}, {upper})");
        (LowerPercentile, UpperPercentile) = (lower, upper);
    }

    /// <summary>Clamp to the image's <paramref name="lower"/> and <paramref name="upper"/> percentiles (0..100).</summary>
    public static Clip Percentiles(double lower, double upper) => new(lower, upper, true);

    /// <summary>Fixed lower bound.</summary>
    public double? Min { get; }

    /// <summary>Fixed upper bound.</summary>
    public double? Max { get; }

    /// <summary>Lower percentile (percentile mode).</summary>
    public double? LowerPercentile { get; }

    /// <summary>Upper percentile (percentile mode).</summary>
    public double? UpperPercentile { get; }

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        TransformHelpers.CheckFloat(sample, nameof(Clip));
        var img = sample.Image;
        var (lo, hi) = (Min, Max);
        if (LowerPercentile is { } pl && UpperPercentile is { } pu)
        {
            var q = ScaleIntensityRangePercentiles.Percentile(img, [pl, pu]);
            if (q is null) return sample;
            (lo, hi) = (q[0], q[1]);
        }
        if (lo is null && hi is null) return sample;
        sample.Image = TransformHelpers.Scoped(() => img.Clamp(lo, hi));
        return sample;
    }
}
