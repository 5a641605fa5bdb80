using MedLearn.Data.Transforms;
using MedLearn.Torch;

namespace MedLearn.Explain;

/// <summary>The replacement values of <see cref="OcclusionFill"/> for one image.</summary>
internal static class FillImage
{
    /// <summary>
    /// A tensor broadcastable to <paramref name="image"/> ([C, *spatial]): zeros [1], the per-channel mean [C, 1, ..],
    /// or the image blurred with σ = <paramref name="sigma"/> (kernel 2⌈3σ⌉ + 1, reflect padding; <see cref="GaussianBlur.Blur"/>).
    /// </summary>
    public static Tensor For(Tensor image, OcclusionFill fill, double sigma)
    {
        using var scope = DisposeScope.Open();
        var dims = image.Dim - 1;
        var spatialAxes = Enumerable.Range(1, dims).Select(a => (long)a).ToArray();
        var result = fill switch
        {
            OcclusionFill.Zero => torch.Zeros([1], image.DType),
            OcclusionFill.Mean => image.Mean(spatialAxes, keepdim: true),
            OcclusionFill.Blur => GaussianBlur.Blur(image, sigma, 2 * (int)Math.Ceiling(3 * sigma) + 1, dims),
            _ => throw new ArgumentException("unknown fill"),
        };
        return scope.MoveToOuter(result);
    }

    /// <summary>Checks σ and returns it, or <paramref name="defaultSigma"/> when it is null.</summary>
    public static double Sigma(double? sigma, double defaultSigma)
    {
        if (sigma is { } s && !(s > 0)) throw new ArgumentException("the blur σ must be positive");
        return sigma ?? defaultSigma;
    }
}
