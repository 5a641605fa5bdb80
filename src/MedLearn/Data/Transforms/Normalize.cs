using MedLearn.Torch;

namespace MedLearn.Data.Transforms;

/// <summary>
/// Per-channel normalisation (torchvision <c>Normalize</c>): <c>y[c] = (x[c] − mean[c]) / std[c]</c>, for 2-D and 3-D
/// images. One mean/std value applies to every channel. The mask is untouched.
/// </summary>
/// <remarks>
/// Edge cases: a zero std is an <see cref="ArgumentException"/> (torchvision raises too); a channel-count mismatch
/// is an <see cref="ArgumentException"/>; NaN propagates. The image must be floating point.
/// </remarks>
/// <param name="mean">Per-channel means (e.g. <see cref="ImageNetMean"/>).</param>
/// <param name="std">Per-channel standard deviations (e.g. <see cref="ImageNetStd"/>).</param>
public sealed class Normalize(double[] mean, double[] std) : IPointwiseTransform
{
    /// <summary>ImageNet RGB means (0.485, 0.456, 0.406), as torchvision's pretrained models expect.</summary>
    public static IReadOnlyList<double> ImageNetMean { get; } = [0.485, 0.456, 0.406];

    /// <summary>ImageNet RGB standard deviations (0.229, 0.224, 0.225).</summary>
    public static IReadOnlyList<double> ImageNetStd { get; } = [0.229, 0.224, 0.225];

    /// <summary>The ImageNet normalisation.</summary>
    public static Normalize ImageNet() => new([.. ImageNetMean], [.. ImageNetStd]);

    /// <summary>Per-channel means.</summary>
    public double[] Mean { get; } = mean.Length > 0 ? mean : throw new ArgumentException("Normalize: mean is empty");

    /// <summary>Per-channel standard deviations.</summary>
    public double[] Std { get; } = std.Length == mean.Length && std.All(s => s != 0) ? std
        : throw new ArgumentException("Normalize: std must have as many values as mean and none may be 0");

    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        TransformHelpers.CheckFloat(sample, nameof(Normalize));
        var img = sample.Image;
        sample.Image = TransformHelpers.Scoped(() => Run(img, Mean, Std, channelDim: 0));
        return sample;
    }

    /// <summary>(x − mean)/std along <paramref name="channelDim"/>, broadcast over the other dims.</summary>
    internal static Tensor Run(Tensor x, double[] mean, double[] std, int channelDim)
    {
        var c = x.Size(channelDim);
        if (mean.Length != 1 && mean.Length != c)
            throw new ArgumentException($"Normalize: {mean.Length} means for {c} channels (image {TransformHelpers.Fmt(x.Shape)})");
        var shape = Enumerable.Repeat(1L, x.Dim).ToArray();
        shape[channelDim] = mean.Length;
        var m = torch.FromArray(mean, shape).To(x.DType);
        var s = torch.FromArray(std, shape).To(x.DType);
        return x.Sub(m).Div_(s); // in place on the fresh difference: one image-sized allocation, same values
    }
}
