namespace MedLearn.Torch.Nn;

/// <summary>Adaptive 2-D average pooling to a fixed (H, W) output (torch.nn.AdaptiveAvgPool2d). No parameters.</summary>
public sealed class AdaptiveAvgPool2d(long[] outputSize) : Module<Tensor, Tensor>
{
    /// <summary>Square output of side <paramref name="outputSize"/>.</summary>
    public AdaptiveAvgPool2d(long outputSize) : this([outputSize]) { }

    public long[] OutputSize { get; } = outputSize;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, OutputSize);
}
