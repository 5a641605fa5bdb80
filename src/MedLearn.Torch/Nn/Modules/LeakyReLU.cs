namespace MedLearn.Torch.Nn;

/// <summary>torch.nn.LeakyReLU: x for x ≥ 0, slope·x otherwise. No parameters.</summary>
public sealed class LeakyReLU(double negativeSlope = 0.01, bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Slope for negative inputs.</summary>
    public double NegativeSlope { get; } = negativeSlope;

    /// <summary>Whether the input is modified in place.</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Inplace ? Functional.LeakyRelu_(input, NegativeSlope).Alias() : Functional.LeakyRelu(input, NegativeSlope);
}
