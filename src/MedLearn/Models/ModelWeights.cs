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
    /// weight is adapted when the model has another number of input channels: for 1 channel the filters are summed
    /// over their input channels; for C &gt; 1 channels when the file has 3 (RGB), each of the C input filters is the
    /// RGB sum divided by C, so an image with C equal channels x gives the response of (x, x, x) to the original.
    /// Any other combination is returned unchanged (loading then reports a shape mismatch if there is one).
    /// The adapted tensor belongs to the current dispose scope.
    /// </summary>
    public static OrderedDictionary<string, Tensor> AdaptInputChannels(IReadOnlyDictionary<string, Tensor> stateDict, string firstConvKey, long inChannels)
    {
        var result = new OrderedDictionary<string, Tensor>();
        foreach (var (key, t) in stateDict)
        {
            var adapt = key == firstConvKey && t.Dim >= 3 && t.Shape[1] != inChannels && (inChannels == 1 || (inChannels > 1 && t.Shape[1] == 3));
            result[key] = !adapt ? t
                : inChannels == 1 ? SumInputChannels(t)
                : SpreadInputChannels(t, inChannels);
        }
        return result;
    }

    /// <summary>The RGB sum of a convolution weight divided evenly over <paramref name="inChannels"/> input channels.</summary>
    private static Tensor SpreadInputChannels(Tensor weight, long inChannels)
    {
        using var scope = DisposeScope.Open();
        long[] shape = [.. weight.Shape];
        shape[1] = inChannels;
        return scope.MoveToOuter((SumInputChannels(weight) / inChannels).Expand(shape).Contiguous());
    }
}
