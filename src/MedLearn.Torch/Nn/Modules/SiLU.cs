namespace MedLearn.Torch.Nn;

/// <summary>torch.nn.SiLU: x·σ(x). No parameters.</summary>
public sealed class SiLU(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is modified in place.</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Inplace ? Functional.Silu_(input).Alias() : Functional.Silu(input);
}
