namespace MedLearn.Torch.Nn;

/// <summary>
/// torchvision.ops.StochasticDepth in "row" mode (see <see cref="Functional.StochasticDepth"/>): drops a residual
/// branch per sample with probability <see cref="P"/> in training; the identity in evaluation mode. No parameters.
/// </summary>
/// <param name="p">Drop probability in [0, 1].</param>
public sealed class StochasticDepth(double p) : Module<Tensor, Tensor>
{
    /// <summary>Drop probability.</summary>
    public double P { get; } = p is >= 0 and <= 1 ? p : throw new ArgumentOutOfRangeException(nameof(p), p, "drop probability has to be between 0 and 1");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.StochasticDepth(input, P, Training);
}
