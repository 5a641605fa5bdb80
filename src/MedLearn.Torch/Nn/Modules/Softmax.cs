namespace MedLearn.Torch.Nn;

/// <summary>torch.nn.Softmax along <see cref="Dim"/>. No parameters.</summary>
public sealed class Softmax(long dim) : Module<Tensor, Tensor>
{
    /// <summary>Dimension the probabilities sum to 1 along.</summary>
    public long Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Softmax(input, Dim);
}
