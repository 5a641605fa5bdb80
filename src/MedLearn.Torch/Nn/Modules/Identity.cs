namespace MedLearn.Torch.Nn;

/// <summary>torch.nn.Identity: returns its input (a new handle to the same tensor). No parameters.</summary>
public sealed class Identity : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Alias();
}
