namespace MedLearn.Torch.Nn;

/// <summary>torch.nn.Tanh: hyperbolic tangent. No parameters.</summary>
public sealed class Tanh : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Tanh(input);
}
