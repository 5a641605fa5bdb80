using MedLearn.Metrics;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// The crop jitter of GMIC's test-time augmentation, applied to a preprocessed input [N, C, H, W]. View 0 is the
/// input itself. View a ≥ 1 draws, from a SplitMix64 stream seeded with (seed, a) alone, a scale
/// <c>s = minScale + (1 − minScale) · u</c> (u uniform on the 2^-24 grid of [0, 1]), a crop of
/// <c>round(s·H) x round(s·W)</c> pixels (half to even, same s for both sides, so the aspect ratio is kept) whose
/// upper-left corner is uniform over every position inside the image, and resizes the crop back to H x W (bilinear,
/// align_corners = false). The same jitters are used for every image, so a prediction does not depend on which other
/// images are predicted or in what order.
/// </summary>
public static class CropJitter
{
    /// <summary>The crop window of view <paramref name="view"/>: upper-left corner and size in input pixels.</summary>
    public static (int Top, int Left, int Height, int Width) Window(int view, int height, int width, double minScale, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(view);
        if (!(minScale > 0 && minScale <= 1)) throw new ArgumentOutOfRangeException(nameof(minScale), minScale, "the smallest crop scale must be in (0, 1]");
        if (view == 0) return (0, 0, height, width);
        var random = new BootstrapRandom(seed ^ (0x9E3779B97F4A7C15UL * (ulong)view));
        var u = (random.NextUInt64() >> 40) / (double)(1 << 24);
        var s = minScale + (1 - minScale) * u;
        var h = Math.Clamp((int)Math.Round(s * height, MidpointRounding.ToEven), 1, height);
        var w = Math.Clamp((int)Math.Round(s * width, MidpointRounding.ToEven), 1, width);
        var top = random.Next(height - h + 1);
        var left = random.Next(width - w + 1);
        return (top, left, h, w);
    }

    /// <summary>View <paramref name="view"/> of <paramref name="input"/> [N, C, H, W] (the input itself for view 0).</summary>
    public static Tensor Apply(Tensor input, int view, double minScale, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim != 4) throw new ArgumentException($"expected images [N, C, H, W], got [{string.Join(", ", input.Shape)}]", nameof(input));
        int height = (int)input.Size(2), width = (int)input.Size(3);
        var (top, left, h, w) = Window(view, height, width, minScale, seed);
        if (view == 0 || (h == height && w == width && top == 0 && left == 0)) return input;
        var crop = input.Narrow(2, top, h).Narrow(3, left, w);
        return Functional.Interpolate(crop, [height, width], mode: InterpolateMode.Bilinear, alignCorners: false);
    }
}
