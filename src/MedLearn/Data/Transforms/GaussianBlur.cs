using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Data.Transforms;

/// <summary>
/// Gaussian blur (torchvision <c>GaussianBlur</c>): σ ~ U(σ_min, σ_max) from <see cref="TransformContext.Random"/>,
/// 1-D kernel <c>k[t] ∝ exp(−t²/(2σ²))</c> at <c>t = −(K−1)/2 … (K−1)/2</c>, normalised to sum 1, applied
/// separably along every spatial axis (depthwise conv per channel) after reflect padding by ⌊K/2⌋ — equal to
/// torchvision's 2-D kernel <c>k_y ⊗ k_x</c> up to rounding. 2-D and 3-D. The mask is untouched.
/// </summary>
/// <remarks>
/// Defaults: σ range (0.1, 2.0) (torchvision's); kernel size K odd, default <c>2⌈3σ⌉ + 1</c> of the drawn σ.
/// Edge cases: an even or non-positive K is an <see cref="ArgumentException"/>; where an axis is not longer than
/// ⌊K/2⌋ reflect padding is impossible and replicate padding is used instead; NaN spreads over the kernel. Float
/// images only.
/// </remarks>
/// <param name="sigma">σ range (min, max), min &gt; 0 (default (0.1, 2.0)).</param>
/// <param name="kernelSize">Odd kernel size, or null for 2⌈3σ⌉ + 1.</param>
public sealed class GaussianBlur((double Min, double Max)? sigma = null, int? kernelSize = null) : ITransform
{
    /// <summary>σ range.</summary>
    public (double Min, double Max) Sigma { get; } = sigma is { } s && (s.Min <= 0 || s.Max < s.Min)
        ? throw new ArgumentOutOfRangeException(nameof(sigma), "need 0 < min <= max") : sigma ?? (0.1, 2.0);

    /// <summary>Kernel size or null (derived from σ).</summary>
    public int? KernelSize { get; } = kernelSize is { } k && (k <= 0 || k % 2 == 0)
        ? throw new ArgumentException($"GaussianBlur: kernel size must be odd and positive, got {k}") : kernelSize;

    /// <summary>torchvision's _get_gaussian_kernel1d.</summary>
    public static double[] Kernel1d(int size, double sigma)
    {
        var half = (size - 1) * 0.5;
        var k = Enumerable.Range(0, size).Select(i => size == 1 ? 0 : -half + i * (2 * half / (size - 1)))
            .Select(x => Math.Exp(-0.5 * (x / sigma) * (x / sigma))).ToArray();
        var sum = k.Sum();
        return k.Select(v => v / sum).ToArray();
    }

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        var dims = TransformHelpers.CheckSpatial(sample, nameof(GaussianBlur));
        TransformHelpers.CheckFloat(sample, nameof(GaussianBlur));
        var sigma = TransformHelpers.Uniform(context.Random, Sigma.Min, Sigma.Max);
        var img = sample.Image;
        sample.Image = TransformHelpers.Scoped(() => Blur(img, sigma, KernelSize ?? 2 * (int)Math.Ceiling(3 * sigma) + 1, dims));
        return sample;
    }

    /// <summary>Separable blur of a channel-first tensor with a fixed σ and kernel size.</summary>
    public static Tensor Blur(Tensor x, double sigma, int kernelSize, int dims)
    {
        using var scope = DisposeScope.Open();
        var k = Kernel1d(kernelSize, sigma);
        var c = x.Size(0);
        var y = x.Unsqueeze(0);
        var half = kernelSize / 2;
        for (var a = 0; a < dims; a++)
        {
            var len = x.Size(a + 1);
            var pad = new long[2 * dims];
            var slot = 2 * (dims - 1 - a);
            pad[slot] = pad[slot + 1] = half;
            if (half > 0) y = Functional.Pad(y, pad, len > half ? PadMode.Reflect : PadMode.Replicate);
            var wShape = Enumerable.Repeat(1L, dims + 2).ToArray();
            wShape[a + 2] = kernelSize;
            var reps = Enumerable.Repeat(1L, dims + 2).ToArray();
            reps[0] = c;
            var w = torch.FromArray(k, kernelSize).To(x.DType).Reshape(wShape).Repeat(reps);
            y = dims == 2 ? Functional.Conv2d(y, w, groups: c) : Functional.Conv3d(y, w, groups: c);
        }
        return scope.MoveToOuter(y.Squeeze(0));
    }
}
