using MedLearn.Torch;

namespace MedLearn.Models.Gmic;

/// <summary>
/// GMIC's top-t% aggregation of a saliency map: <c>y_c = mean of the k largest values of A_c</c>,
/// <c>k = round_half_to_even(h * w * t)</c> (Python's <c>round</c>, as the authors compute it), clamped to
/// [1, h * w] so a tiny map still has one value (t = 1 is average pooling, k = 1 max pooling).
/// </summary>
public static class TopTPercentPooling
{
    /// <summary>k for an <paramref name="height"/> x <paramref name="width"/> map and fraction <paramref name="t"/>.</summary>
    public static long K(long height, long width, double t)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (!(t > 0 && t <= 1)) throw new ArgumentOutOfRangeException(nameof(t), t, "t must be in (0, 1]");
        var cells = height * width;
        var k = (long)Math.Round(cells * t, MidpointRounding.ToEven);
        return Math.Clamp(k, 1, cells);
    }

    /// <summary>y [N, C] from saliency maps [N, C, h, w] (intermediates belong to the caller's dispose scope).</summary>
    public static Tensor Forward(Tensor saliency, double t)
    {
        if (saliency.Dim != 4) throw new ArgumentException($"expected saliency maps [N, C, h, w], got [{string.Join(", ", saliency.Shape)}]", nameof(saliency));
        var shape = saliency.Shape;
        var k = K(shape[2], shape[3], t);
        var (values, _) = saliency.Flatten(2).TopK(k, dim: 2);
        return values.Mean(2);
    }
}
