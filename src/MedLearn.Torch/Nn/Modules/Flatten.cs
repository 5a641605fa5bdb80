namespace MedLearn.Torch.Nn;

/// <summary>torch.nn.Flatten: merges dims <see cref="StartDim"/>..<see cref="EndDim"/> (by default all but the batch dim). No parameters.</summary>
public sealed class Flatten(long startDim = 1, long endDim = -1) : Module<Tensor, Tensor>
{
    public long StartDim { get; } = startDim;
    public long EndDim { get; } = endDim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Flatten(input, StartDim, EndDim);
}
