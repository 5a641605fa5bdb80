namespace MedLearn.Torch.Nn;

/// <summary>
/// torch.nn.MultiheadAttention for self-attention on batch-first input [N, L, E] (query = key = value, no mask,
/// no attention dropout), with PyTorch's parameter names and order: <c>in_proj_weight</c> [3E, E] (q, k, v rows),
/// <c>in_proj_bias</c> [3E], <c>out_proj.weight</c>, <c>out_proj.bias</c>. Per head h (d = E / heads):
/// softmax(q_h·k_hᵀ/√d)·v_h, heads concatenated, then out_proj. Initialised like PyTorch: in_proj_weight
/// xavier_uniform, both biases zero, out_proj.weight torch.nn's Linear default.
/// </summary>
public sealed class MultiheadAttention : Module<Tensor, Tensor>
{
    /// <summary>Self-attention over <paramref name="embedDim"/> features in <paramref name="numHeads"/> heads.</summary>
    /// <exception cref="ArgumentException"><paramref name="embedDim"/> is not divisible by <paramref name="numHeads"/>.</exception>
    public MultiheadAttention(long embedDim, long numHeads, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numHeads, 1);
        if (embedDim % numHeads != 0) throw new ArgumentException($"embed_dim {embedDim} must be divisible by num_heads {numHeads}", nameof(numHeads));
        EmbedDim = embedDim;
        NumHeads = numHeads;
        InProjWeight = RegisterParameter("in_proj_weight", torch.Empty([3 * embedDim, embedDim]))!;
        InProjBias = bias ? RegisterParameter("in_proj_bias", torch.Empty([3 * embedDim])) : RegisterParameter("in_proj_bias", null);
        OutProj = RegisterModule("out_proj", new Linear(embedDim, embedDim, bias));
        using var noGrad = GradMode.NoGrad();
        Init.XavierUniform_(InProjWeight);
        if (InProjBias is not null) Init.Zeros_(InProjBias);
        if (OutProj.Bias is not null) Init.Zeros_(OutProj.Bias);
    }

    /// <summary>Model width E.</summary>
    public long EmbedDim { get; }

    /// <summary>Number of heads.</summary>
    public long NumHeads { get; }

    /// <summary>The stacked q, k, v projection [3E, E].</summary>
    public Tensor InProjWeight { get; }

    /// <summary>The stacked q, k, v bias [3E], or null.</summary>
    public Tensor? InProjBias { get; }

    /// <summary>The output projection.</summary>
    public Linear OutProj { get; }

    /// <summary>Self-attention of x [N, L, E] → [N, L, E].</summary>
    public override Tensor Forward(Tensor input)
    {
        if (input.Dim != 3 || input.Shape[2] != EmbedDim)
            throw new ArgumentException($"MultiheadAttention expects [batch, length, {EmbedDim}], got [{string.Join(", ", input.Shape)}]", nameof(input));
        using var scope = DisposeScope.Open();
        long n = input.Shape[0], l = input.Shape[1], d = EmbedDim / NumHeads;
        var qkv = Functional.Linear(input, InProjWeight, InProjBias).View(n, l, 3, NumHeads, d).Permute(2, 0, 3, 1, 4);
        var attended = Functional.ScaledDotProductAttention(qkv.Select(0, 0), qkv.Select(0, 1), qkv.Select(0, 2), 1.0 / Math.Sqrt(d));
        var merged = attended.Transpose(1, 2).Reshape(n, l, EmbedDim);
        return scope.MoveToOuter(OutProj.Forward(merged));
    }

    /// <inheritdoc/>
    public override string ToString() => $"MultiheadAttention(embed_dim={EmbedDim}, num_heads={NumHeads})";
}
