namespace MedLearn.Torch.Nn;

/// <summary>
/// Layer normalisation (torch.nn.LayerNorm) over the trailing <see cref="NormalizedShape"/> dims, with
/// element-wise <c>weight</c> (ones) and <c>bias</c> (zeros) of that shape when elementwise-affine.
/// </summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public LayerNorm(long[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32, Device? device = null)
    {
        NormalizedShape = (long[])normalizedShape.Clone();
        Eps = eps;
        ElementwiseAffine = elementwiseAffine;
        Weight = elementwiseAffine ? Init.Ones_(RegisterParameter("weight", torch.Empty(NormalizedShape, dtype, device))!) : RegisterParameter("weight", null);
        Bias = elementwiseAffine ? Init.Zeros_(RegisterParameter("bias", torch.Empty(NormalizedShape, dtype, device))!) : RegisterParameter("bias", null);
    }

    /// <summary>Normalises over the last dimension of size <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(long normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32, Device? device = null)
        : this([normalizedShape], eps, elementwiseAffine, dtype, device) { }

    /// <summary>Trailing shape normalised over.</summary>
    public long[] NormalizedShape { get; }
    /// <summary>Value added to the variance for numerical stability.</summary>
    public double Eps { get; }
    /// <summary>Whether the layer has learnable element-wise scale and shift.</summary>
    public bool ElementwiseAffine { get; }
    /// <summary>Learnable scale γ, or null when not affine.</summary>
    public Tensor? Weight { get; }
    /// <summary>Learnable shift β, or null when not affine.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, NormalizedShape, Weight, Bias, Eps);

    /// <inheritdoc/>
    public override string ToString() => $"LayerNorm({ModuleArgs.Format(NormalizedShape)}, eps={Eps}, elementwise_affine={(ElementwiseAffine ? "True" : "False")})";
}
