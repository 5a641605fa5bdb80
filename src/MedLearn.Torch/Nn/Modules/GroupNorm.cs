namespace MedLearn.Torch.Nn;

/// <summary>
/// Group normalisation layer (torch.nn.GroupNorm) over (N, C, *): parameters <c>weight</c> (ones) and
/// <c>bias</c> (zeros) of shape (C) when affine. Same in training and evaluation.
/// </summary>
public sealed class GroupNorm : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; <paramref name="numChannels"/> must be divisible by <paramref name="numGroups"/>.</summary>
    public GroupNorm(long numGroups, long numChannels, double eps = 1e-5, bool affine = true, DType dtype = DType.Float32, Device? device = null)
    {
        if (numGroups <= 0 || numChannels % numGroups != 0)
            throw new ArgumentException("num_channels must be divisible by num_groups", nameof(numChannels));
        NumGroups = numGroups;
        NumChannels = numChannels;
        Eps = eps;
        Affine = affine;
        Weight = affine ? Init.Ones_(RegisterParameter("weight", Torch.Empty([numChannels], dtype, device))!) : RegisterParameter("weight", null);
        Bias = affine ? Init.Zeros_(RegisterParameter("bias", Torch.Empty([numChannels], dtype, device))!) : RegisterParameter("bias", null);
    }

    public long NumGroups { get; }
    public long NumChannels { get; }
    public double Eps { get; }
    public bool Affine { get; }
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.GroupNorm(input, NumGroups, Weight, Bias, Eps);

    public override string ToString() => $"GroupNorm({NumGroups}, {NumChannels}, eps={Eps}, affine={(Affine ? "True" : "False")})";
}
