namespace MedLearn.Torch.Nn;

/// <summary>
/// Shared part of the dropout layers: the drop probability p in [0, 1] and the in-place flag. In training the
/// layer zeroes elements (or whole channels) with probability p and scales the rest by 1/(1−p); in evaluation
/// mode it is the identity. Masks come from the default generator.
/// </summary>
public abstract class DropoutBase : Module<Tensor, Tensor>
{
    /// <summary>Validates p (NaN or outside [0, 1] is rejected, as in PyTorch).</summary>
    protected DropoutBase(double p, bool inplace)
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
    public override string ToString() => $"{TypeName}(p={P}, inplace={(Inplace ? "True" : "False")})";
}
