namespace MedLearn.Torch.Nn;

/// <summary>torch.nn.ELU: x for x &gt; 0, α·(eˣ − 1) otherwise. No parameters.</summary>
public sealed class ELU(double alpha = 1.0, bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>α.</summary>
    public double Alpha { get; } = alpha;

    /// <summary>Whether the input is modified in place.</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Inplace ? Functional.Elu_(input, Alpha).Alias() : Functional.Elu(input, Alpha);
}
