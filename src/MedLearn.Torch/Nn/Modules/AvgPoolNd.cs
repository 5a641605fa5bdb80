namespace MedLearn.Torch.Nn;

/// <summary>Window geometry shared by <see cref="AvgPool2d"/> and <see cref="AvgPool3d"/>.</summary>
public abstract class AvgPoolNd(long[] kernelSize, long[]? stride, long[]? padding, bool ceilMode, bool countIncludePad, long? divisorOverride) : Module<Tensor, Tensor>
{
    /// <summary>Window (kernel) size per spatial dim (one value = every dim).</summary>
    public long[] KernelSize { get; } = kernelSize;
    /// <summary>Step between windows (defaults to the kernel size for pooling).</summary>
    public long[] Stride { get; } = stride ?? kernelSize;
    /// <summary>Implicit padding on both sides of each spatial dim.</summary>
    public long[] Padding { get; } = padding ?? [0];
    /// <summary>Use ⌈⌉ instead of ⌊⌋ for the output size.</summary>
    public bool CeilMode { get; } = ceilMode;
    /// <summary>Whether zero padding counts in the averaging divisor.</summary>
    public bool CountIncludePad { get; } = countIncludePad;
    /// <summary>Fixed divisor replacing the window size, or null.</summary>
    public long? DivisorOverride { get; } = divisorOverride;
}
