namespace MedLearn.Torch.Nn;

/// <summary>torch.nn.Flatten: merges dims <see cref="StartDim"/>..<see cref="EndDim"/> (by default all but the batch dim). No parameters.</summary>
public sealed class Flatten(long startDim = 1, long endDim = -1) : Module<Tensor, Tensor>
{
    /// <summary>First dimension flattened.</summary>
    public long StartDim { get; } = startDim;
    /// <summary>Last dimension flattened (inclusive; negative counts from the end).</summary>
    public long EndDim { get; } = endDim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Flatten(input, StartDim, EndDim);
}
