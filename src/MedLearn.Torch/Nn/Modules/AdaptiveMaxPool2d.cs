namespace MedLearn.Torch.Nn;

/// <summary>Adaptive 2-D max pooling to a fixed (H, W) output (torch.nn.AdaptiveMaxPool2d). No parameters.</summary>
public sealed class AdaptiveMaxPool2d(long[] outputSize) : Module<Tensor, Tensor>
{
    /// <summary>Square output of side <paramref name="outputSize"/>.</summary>
    public AdaptiveMaxPool2d(long outputSize) : this([outputSize]) { }

    public long[] OutputSize { get; } = outputSize;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.AdaptiveMaxPool2d(input, OutputSize);
}
