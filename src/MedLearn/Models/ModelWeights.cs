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
    /// Spreads the summed filter of <see cref="SumInputChannels"/> evenly over <paramref name="inChannels"/> channels:
    /// every channel gets Σ W / C, so an image whose C channels all equal x gives the response of (x, x, x) to the
    /// original (C = 1 is <see cref="SumInputChannels"/>).
    /// </summary>
    public static Tensor SpreadInputChannels(Tensor weight, long inChannels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        var summed = SumInputChannels(weight);
        if (inChannels == 1) return summed;
        using var scaled = summed / inChannels;
        return scaled.Repeat([1, inChannels, .. Enumerable.Repeat(1L, weight.Dim - 2)]);
    }

    /// <summary>
    /// A copy of <paramref name="stateDict"/> (same tensors, same order) whose <paramref name="firstConvKey"/> weight is
    /// adapted when the file has 3 input channels and the model <paramref name="inChannels"/> ≠ 3: summed over its input
    /// channels for 1 (<see cref="SumInputChannels"/>), the sum spread evenly over the channels otherwise
    /// (<see cref="SpreadInputChannels"/>). A multi-channel file into a 1-channel model is summed too. Any other
    /// combination is returned unchanged (loading then reports a shape mismatch if there is one). The adapted tensor
    /// belongs to the current dispose scope.
    /// </summary>
    public static OrderedDictionary<string, Tensor> AdaptInputChannels(IReadOnlyDictionary<string, Tensor> stateDict, string firstConvKey, long inChannels)
    {
        var result = new OrderedDictionary<string, Tensor>();
        foreach (var (key, t) in stateDict)
        {
            var adapt = key == firstConvKey && t.Dim >= 3 && t.Shape[1] != inChannels && (inChannels == 1 && t.Shape[1] > 1 || t.Shape[1] == 3);
            result[key] = adapt ? SpreadInputChannels(t, inChannels) : t;
        }
        return result;
    }
}
