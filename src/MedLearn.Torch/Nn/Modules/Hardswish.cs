namespace MedLearn.Torch.Nn;

/// <summary>torch.nn.Hardswish: x·relu6(x + 3)/6 (in place when <see cref="Inplace"/>). No parameters.</summary>
public sealed class Hardswish(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is modified in place.</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Inplace ? Functional.Hardswish_(input).Alias() : Functional.Hardswish(input);
}
