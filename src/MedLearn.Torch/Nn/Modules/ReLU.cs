namespace MedLearn.Torch.Nn;

/// <summary>torch.nn.ReLU: max(x, 0) (in place when <see cref="Inplace"/>). No parameters.</summary>
public sealed class ReLU(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is modified in place.</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Inplace ? Functional.Relu_(input).Alias() : Functional.Relu(input);
}
