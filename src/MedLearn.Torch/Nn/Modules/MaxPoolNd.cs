namespace MedLearn.Torch.Nn;

/// <summary>Window geometry shared by <see cref="MaxPool2d"/> and <see cref="MaxPool3d"/>.</summary>
public abstract class MaxPoolNd(long[] kernelSize, long[]? stride, long[]? padding, long[]? dilation, bool ceilMode) : Module<Tensor, Tensor>
{
    /// <summary>Window (kernel) size per spatial dim (one value = every dim).</summary>
    public long[] KernelSize { get; } = kernelSize;
    /// <summary>Step between windows (defaults to the kernel size for pooling).</summary>
    public long[] Stride { get; } = stride ?? kernelSize;
    /// <summary>Implicit padding on both sides of each spatial dim.</summary>
    public long[] Padding { get; } = padding ?? [0];
    /// <summary>Spacing between kernel elements.</summary>
    public long[] Dilation { get; } = dilation ?? [1];
    /// <summary>Use ⌈⌉ instead of ⌊⌋ for the output size.</summary>
    public bool CeilMode { get; } = ceilMode;
}
