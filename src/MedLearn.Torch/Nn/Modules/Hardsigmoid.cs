namespace MedLearn.Torch.Nn;

/// <summary>torch.nn.Hardsigmoid: relu6(x + 3)/6 (in place when <see cref="Inplace"/>). No parameters.</summary>
public sealed class Hardsigmoid(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is modified in place.</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Inplace ? Functional.Hardsigmoid_(input).Alias() : Functional.Hardsigmoid(input);
}
