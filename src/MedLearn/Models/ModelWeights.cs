using MedLearn.Torch;

namespace MedLearn.Models;

/// <summary>Adapting pretrained weights to a model that differs from the one they were trained for.</summary>
public static class ModelWeights
{
    /// <summary>
    /// Sums a convolution weight [out, in, kh, kw] over its input channels into [out, 1, kh, kw]: a grayscale
    /// image x fed to the summed filter gives the same response as the RGB image (x, x, x) to the original.
    /// </summary>
    public static Tensor SumInputChannels(Tensor weight)
    {
        if (weight.Dim < 3) throw new ArgumentException($"expected a convolution weight [out, in, ...], got [{string.Join(", ", weight.Shape)}]", nameof(weight));
        return weight.Sum(1, keepdim: true);
    }

    /// <summary>
    /// A copy of <paramref name="stateDict"/> (same tensors, same order) whose <paramref name="firstConvKey"/>
    /// weight is summed over its input channels when it has more than one and <paramref name="inChannels"/> is 1.
    /// Any other combination is returned unchanged (loading then reports a shape mismatch if there is one).
    /// The summed tensor belongs to the current dispose scope.
    /// </summary>
    public static OrderedDictionary<string, Tensor> AdaptInputChannels(IReadOnlyDictionary<string, Tensor> stateDict, string firstConvKey, long inChannels)
    {
        var result = new OrderedDictionary<string, Tensor>();
        foreach (var (key, t) in stateDict)
            result[key] = key == firstConvKey && inChannels == 1 && t.Dim >= 3 && t.Shape[1] > 1 ? SumInputChannels(t) : t;
        return result;
    }
}
