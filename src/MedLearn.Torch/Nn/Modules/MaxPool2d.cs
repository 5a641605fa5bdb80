namespace MedLearn.Torch.Nn;

/// <summary>2-D max pooling layer (torch.nn.MaxPool2d); stride defaults to the kernel size. No parameters.</summary>
public sealed class MaxPool2d(long[] kernelSize, long[]? stride = null, long[]? padding = null, long[]? dilation = null, bool ceilMode = false)
    : MaxPoolNd(kernelSize, stride, padding, dilation, ceilMode)
{
    /// <summary>A square window of side <paramref name="kernelSize"/> (stride 0 = kernel size).</summary>
    public MaxPool2d(long kernelSize, long stride = 0, long padding = 0, long dilation = 1, bool ceilMode = false)
        : this([kernelSize], stride == 0 ? null : [stride], [padding], [dilation], ceilMode) { }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);
}
