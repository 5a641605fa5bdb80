namespace MedLearn.Torch.Nn;

/// <summary>
/// 3-D average pooling layer (torch.nn.AvgPool3d); stride defaults to the kernel size; padding counts in
/// the divisor when <see cref="AvgPoolNd.CountIncludePad"/>. No parameters.
/// </summary>
public sealed class AvgPool3d(long[] kernelSize, long[]? stride = null, long[]? padding = null, bool ceilMode = false, bool countIncludePad = true, long? divisorOverride = null)
    : AvgPoolNd(kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride)
{
    /// <summary>A cubic window of side <paramref name="kernelSize"/> (stride 0 = kernel size).</summary>
    public AvgPool3d(long kernelSize, long stride = 0, long padding = 0, bool ceilMode = false, bool countIncludePad = true)
        : this([kernelSize], stride == 0 ? null : [stride], [padding], ceilMode, countIncludePad) { }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.AvgPool3d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);
}
