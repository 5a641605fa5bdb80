namespace MedLearn.Torch.Nn;

/// <summary>
/// torchvision.ops.StochasticDepth: drops a residual branch with probability <see cref="P"/> in training
/// (<see cref="Functional.StochasticDepth"/>); the identity in evaluation. No parameters.
/// </summary>
public sealed class StochasticDepth : Module<Tensor, Tensor>
{
    /// <summary>A layer dropping with probability <paramref name="p"/> per sample (<paramref name="mode"/> Row) or per batch.</summary>
    public StochasticDepth(double p, StochasticDepthMode mode = StochasticDepthMode.Row)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, $"drop probability has to be between 0 and 1, but got {p}");
        P = p;
        Mode = mode;
    }

    /// <summary>Drop probability.</summary>
    public double P { get; }

    /// <summary>Per sample or per batch.</summary>
    public StochasticDepthMode Mode { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.StochasticDepth(input, P, Mode, Training);

    /// <inheritdoc/>
    public override string ToString() => $"StochasticDepth(p={P}, mode={(Mode == StochasticDepthMode.Row ? "row" : "batch")})";
}
