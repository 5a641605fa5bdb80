namespace MedLearn.Torch.Nn;

/// <summary>
/// Fully connected layer y = x·Wᵀ + b (torch.nn.Linear): parameters <c>weight</c> (out, in) and <c>bias</c>
/// (out), initialised as torch.nn does (Kaiming-uniform with a = √5, bias U(±1/√in)) from the default
/// generator, so a seeded construction matches PyTorch bit for bit.
/// </summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; <paramref name="bias"/> false registers no bias.</summary>
    public Linear(long inFeatures, long outFeatures, bool bias = true, DType dtype = DType.Float32, Device? device = null)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Torch.Empty([outFeatures, inFeatures], dtype, device))!;
        Bias = bias ? RegisterParameter("bias", Torch.Empty([outFeatures], dtype, device)) : RegisterParameter("bias", null);
        ResetParameters();
    }

    /// <summary>Number of input features.</summary>
    public long InFeatures { get; }

    /// <summary>Number of output features.</summary>
    public long OutFeatures { get; }

    /// <summary>The (out, in) weight.</summary>
    public Tensor Weight { get; }

    /// <summary>The (out) bias, or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>Re-draws weight and bias with torch.nn's default initialisation.</summary>
    public void ResetParameters() => Init.ResetLinearOrConv(Weight, Bias, isLinear: true);

    /// <summary>x·Wᵀ + b over the last dimension of (*, in).</summary>
    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);

    public override string ToString() => $"Linear(in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is not null ? "True" : "False")})";
}
