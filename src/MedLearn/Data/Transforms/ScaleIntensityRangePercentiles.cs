using MedLearn.Torch;

namespace MedLearn.Data.Transforms;

/// <summary>
/// Percentile windowing (MONAI <c>ScaleIntensityRangePercentiles</c>): with <c>a = P_lower(x)</c>,
/// <c>b = P_upper(x)</c>, <c>y = (x − a) / (b − a) · (bMax − bMin) + bMin</c>, then clipped to [bMin, bMax] when
/// <see cref="ClipOutput"/>. Percentiles use linear interpolation between sorted values (torch.quantile's default,
/// <c>np.percentile</c>'s "linear"), computed over the whole image or per channel. The mask is untouched.
/// </summary>
/// <remarks>
/// Edge cases: a == b (e.g. constant image) gives <c>y = x − a + bMin</c> (MONAI's rule, no division);
/// NaN voxels are ignored when computing the percentiles (nanquantile) and stay NaN; an all-NaN image is
/// unchanged. Defaults: bMin 0, bMax 1, clip false. Float images only.
/// </remarks>
/// <param name="lower">Lower percentile in [0, 100].</param>
/// <param name="upper">Upper percentile in [0, 100].</param>
/// <param name="bMin">Output value of the lower percentile (default 0).</param>
/// <param name="bMax">Output value of the upper percentile (default 1).</param>
/// <param name="clip">Clip the output to [bMin, bMax] (default false).</param>
/// <param name="channelWise">Percentiles per channel (default false).</param>
public sealed class ScaleIntensityRangePercentiles(double lower, double upper, double bMin = 0, double bMax = 1, bool clip = false, bool channelWise = false) : ITransform
{
    /// <summary>Lower percentile.</summary>
    public double Lower { get; } = lower is >= 0 and <= 100 && lower <= upper ? lower
        : throw new ArgumentException($"ScaleIntensityRangePercentiles: need 0 <= lower <= upper <= 100, got ({lower}, {upper})");

    /// <summary>Upper percentile.</summary>
    public double Upper { get; } = upper is >= 0 and <= 100 ? upper : throw new ArgumentOutOfRangeException(nameof(upper));

    /// <summary>Output of the lower percentile.</summary>
    public double BMin { get; } = bMin;

    /// <summary>Output of the upper percentile.</summary>
    public double BMax { get; } = bMax;

    /// <summary>Clip the output to [BMin, BMax].</summary>
    public bool ClipOutput { get; } = clip;

    /// <summary>Per-channel percentiles.</summary>
    public bool ChannelWise { get; } = channelWise;

    /// <summary>
    /// Percentiles (0..100) of the non-NaN values of <paramref name="x"/> by sorting: for q = p/100 and n values,
    /// position <c>q·(n − 1)</c> interpolated linearly between its neighbours (torch.quantile "linear").
    /// Returns null when there is no non-NaN value.
    /// </summary>
    public static double[]? Percentile(Tensor x, double[] percentiles)
    {
        using var scope = DisposeScope.Open();
        var flat = x.Reshape(-1);
        var valid = flat.MaskedSelect(flat.IsNan().LogicalNot());
        var n = valid.NumEl;
        if (n == 0) return null;
        var sorted = valid.To(DType.Float64).Sort().Values;
        var pos = percentiles.Select(p => p / 100.0 * (n - 1)).ToArray();
        var lo = pos.Select(p => (long)Math.Floor(p)).ToArray();
        var hi = pos.Select(p => Math.Min((long)Math.Ceiling(p), n - 1)).ToArray();
        var vl = sorted.IndexSelect(0, torch.FromArray(lo, lo.Length)).ToArray<double>();
        var vh = sorted.IndexSelect(0, torch.FromArray(hi, hi.Length)).ToArray<double>();
        return pos.Select((p, i) => vl[i] + (p - lo[i]) * (vh[i] - vl[i])).ToArray();
    }

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        TransformHelpers.CheckFloat(sample, nameof(ScaleIntensityRangePercentiles));
        var img = sample.Image;
        sample.Image = TransformHelpers.Scoped(() =>
        {
            if (!ChannelWise) return Scale(img);
            var parts = img.Unbind(0).Select(Scale).ToArray();
            return torch.Stack(parts, 0);
        });
        return sample;
    }

    private Tensor Scale(Tensor x)
    {
        var q = Percentile(x, [Lower, Upper]);
        if (q is null) return x.Alias();
        var (a, b) = (q[0], q[1]);
        if (b - a == 0) return x.Sub(a).Add(BMin);
        var y = x.Sub(a).Mul((BMax - BMin) / (b - a)).Add(BMin);
        return ClipOutput ? y.Clamp(Math.Min(BMin, BMax), Math.Max(BMin, BMax)) : y;
    }
}
