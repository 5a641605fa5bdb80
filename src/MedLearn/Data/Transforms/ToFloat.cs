using MedLearn.Torch;

namespace MedLearn.Data.Transforms;

/// <summary>
/// Casts the image to float32 without rescaling (value-preserving: <c>y = (float)x</c>). The mask is left as is.
/// </summary>
/// <remarks>Edge cases: a float32 image passes through unchanged; values above 2^24 lose integer precision.</remarks>
public sealed class ToFloat : IPointwiseTransform
{
    /// <inheritdoc/>
    public Sample Apply(Sample sample, TransformContext context)
    {
        if (sample.Image.DType != DType.Float32) sample.Image = TransformHelpers.Scoped(() => sample.Image.To(DType.Float32));
        return sample;
    }
}
