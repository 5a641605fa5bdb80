namespace MedLearn.Torch.Nn;

/// <summary>torch.nn.GELU: x·Φ(x), exact or with the tanh approximation. No parameters.</summary>
public sealed class GELU(GeluApproximation approximate = GeluApproximation.None) : Module<Tensor, Tensor>
{
    /// <summary>Exact or tanh approximation.</summary>
    public GeluApproximation Approximate { get; } = approximate;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Gelu(input, Approximate);
}
