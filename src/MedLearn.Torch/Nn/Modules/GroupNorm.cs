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
        Weight = affine ? Init.Ones_(RegisterParameter("weight", torch.Empty([numChannels], dtype, device))!) : RegisterParameter("weight", null);
        Bias = affine ? Init.Zeros_(RegisterParameter("bias", torch.Empty([numChannels], dtype, device))!) : RegisterParameter("bias", null);
    }

    /// <summary>Number of channel groups.</summary>
    public long NumGroups { get; }
    /// <summary>Number of channels C.</summary>
    public long NumChannels { get; }
    /// <summary>Value added to the variance for numerical stability.</summary>
    public double Eps { get; }
    /// <summary>Whether the layer has a learnable per-channel scale and shift.</summary>
    public bool Affine { get; }
    /// <summary>Learnable scale γ, or null when not affine.</summary>
    public Tensor? Weight { get; }
    /// <summary>Learnable shift β, or null when not affine.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.GroupNorm(input, NumGroups, Weight, Bias, Eps);

    /// <inheritdoc/>
    public override string ToString() => $"GroupNorm({NumGroups}, {NumChannels}, eps={Eps}, affine={(Affine ? "True" : "False")})";
}
