namespace MedLearn.Torch.Nn;

/// <summary>torch.nn.Sigmoid: 1/(1 + e⁻ˣ). No parameters.</summary>
public sealed class Sigmoid : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Sigmoid(input);
}
