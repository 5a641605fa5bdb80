using MedLearn.Torch;

namespace MedLearn.Data.Transforms;

/// <summary>
/// Per-image z-score (MONAI <c>NormalizeIntensity</c>): <c>y = (x − μ) / σ</c> with μ and the population standard
/// deviation σ (divisor n, as MONAI/NumPy) computed over all voxels, or over the nonzero voxels only with
/// <see cref="Nonzero"/> (then zero voxels stay 0), per image or per channel (<see cref="ChannelWise"/>).
/// Defaults: nonzero = false, channel-wise = false (MONAI's). The mask is untouched.
/// </summary>
/// <remarks>
/// Edge cases: a constant image (σ = 0) gives zeros (σ is replaced by 1, MONAI's rule); with
/// <see cref="Nonzero"/> and no nonzero voxel the image is unchanged; NaN voxels make the result NaN (no masking).
/// The image must be floating point; 2-D and 3-D alike.
/// </remarks>
/// <param name="nonzero">Statistics over nonzero voxels only, and only those are changed (default false).</param>
/// <param name="channelWise">Separate statistics per channel (default false).</param>
public sealed class NormalizeIntensity(bool nonzero = false, bool channelWise = false) : ITransform
{
    /// <summary>Statistics over nonzero voxels only.</summary>
    public bool Nonzero { get; } = nonzero;

    /// <summary>Statistics per channel.</summary>
    public bool ChannelWise { get; } = channelWise;

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        TransformHelpers.CheckFloat(sample, nameof(NormalizeIntensity));
        var img = sample.Image;
        sample.Image = TransformHelpers.Scoped(() =>
        {
            long[]? dims = ChannelWise ? Enumerable.Range(1, img.Dim - 1).Select(d => (long)d).ToArray() : null;
            if (!Nonzero)
            {
                var mean = img.Mean(dims, keepdim: true);
                var std = img.Std(dims, correction: 0, keepdim: true);
                var safe = torch.Where(std.Eq(0), 1.0, std);
                return img.Sub(mean).Div(safe);
            }
            var mask = img.Ne(0);
            var w = mask.To(img.DType);
            var n = w.Sum(dims, keepdim: true);
            var nSafe = n.Clamp(min: 1);
            var mu = img.Mul(w).Sum(dims, keepdim: true).Div(nSafe);
            var dev = img.Sub(mu);
            var sigma = dev.Square().Mul(w).Sum(dims, keepdim: true).Div(nSafe).Sqrt();
            var sigmaSafe = torch.Where(sigma.Eq(0), 1.0, sigma);
            return torch.Where(mask, dev.Div(sigmaSafe), img);
        });
        return sample;
    }
}
