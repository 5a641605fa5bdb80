namespace MedLearn.Torch.Nn;

/// <summary>
/// torch.nn.Dropout: in training zeroes each element with probability <see cref="P"/> and scales the rest by
/// 1/(1−p); the identity in evaluation mode. The mask comes from the default generator.
/// </summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; p must be in [0, 1].</summary>
    public Dropout(double p = 0.5, bool inplace = false)
    {
        if (p < 0 || p > 1 || double.IsNaN(p))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"dropout probability has to be between 0 and 1, but got {p}");
        P = p;
        Inplace = inplace;
    }

    /// <summary>Drop probability.</summary>
    public double P { get; }

    /// <summary>Whether the input is modified in place.</summary>
    public bool Inplace { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, Training, Inplace);

    public override string ToString() => $"Dropout(p={P}, inplace={(Inplace ? "True" : "False")})";
}
