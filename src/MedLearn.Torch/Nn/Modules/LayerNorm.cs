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
        Weight = elementwiseAffine ? Init.Ones_(RegisterParameter("weight", Torch.Empty(NormalizedShape, dtype, device))!) : RegisterParameter("weight", null);
        Bias = elementwiseAffine ? Init.Zeros_(RegisterParameter("bias", Torch.Empty(NormalizedShape, dtype, device))!) : RegisterParameter("bias", null);
    }

    /// <summary>Normalises over the last dimension of size <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(long normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32, Device? device = null)
        : this([normalizedShape], eps, elementwiseAffine, dtype, device) { }

    public long[] NormalizedShape { get; }
    public double Eps { get; }
    public bool ElementwiseAffine { get; }
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, NormalizedShape, Weight, Bias, Eps);

    public override string ToString() => $"LayerNorm({ModuleArgs.Format(NormalizedShape)}, eps={Eps}, elementwise_affine={(ElementwiseAffine ? "True" : "False")})";
}
