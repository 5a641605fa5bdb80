namespace MedLearn.Torch.Nn;

/// <summary>Adaptive 3-D average pooling to a fixed (D, H, W) output (torch.nn.AdaptiveAvgPool3d). No parameters.</summary>
public sealed class AdaptiveAvgPool3d(long[] outputSize) : Module<Tensor, Tensor>
{
    /// <summary>Cubic output of side <paramref name="outputSize"/>.</summary>
    public AdaptiveAvgPool3d(long outputSize) : this([outputSize]) { }

    public long[] OutputSize { get; } = outputSize;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool3d(input, OutputSize);
}
