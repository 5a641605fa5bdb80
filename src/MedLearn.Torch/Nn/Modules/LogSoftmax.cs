namespace MedLearn.Torch.Nn;

/// <summary>torch.nn.LogSoftmax along <see cref="Dim"/>. No parameters.</summary>
public sealed class LogSoftmax(long dim) : Module<Tensor, Tensor>
{
    /// <summary>Dimension normalised over.</summary>
    public long Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.LogSoftmax(input, Dim);
}
