using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// torchvision's ViT EncoderBlock (pre-norm): x = input + dropout(self_attention(ln_1(input))); output = x + mlp(ln_2(x)).
/// Children in torchvision's order: <c>ln_1</c> (LayerNorm eps 1e-6), <c>self_attention</c>
/// (<see cref="MultiheadAttention"/>: in_proj_weight, in_proj_bias, out_proj), <c>dropout</c>, <c>ln_2</c>,
/// <c>mlp</c> (<see cref="MLPBlock"/>).
/// </summary>
public sealed class EncoderBlock : Module<Tensor, Tensor>
{
    private readonly LayerNorm _ln1;
    private readonly MultiheadAttention _attention;
    private readonly Dropout _dropout;
    private readonly LayerNorm _ln2;
    private readonly Sequential _mlp;

    /// <summary>A block of width <paramref name="hiddenDim"/> with <paramref name="numHeads"/> heads and an MLP of <paramref name="mlpDim"/>.</summary>
    public EncoderBlock(long numHeads, long hiddenDim, long mlpDim, double dropout)
    {
        _ln1 = RegisterModule("ln_1", new LayerNorm(hiddenDim, eps: 1e-6));
        _attention = RegisterModule("self_attention", new MultiheadAttention(hiddenDim, numHeads));
        _dropout = RegisterModule("dropout", new Dropout(dropout));
        _ln2 = RegisterModule("ln_2", new LayerNorm(hiddenDim, eps: 1e-6));
        _mlp = RegisterModule("mlp", MLPBlock.Create(hiddenDim, mlpDim, dropout));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// The block's output; <paramref name="normalized"/> (when not null) receives ln_1's output [N, L, D] and returns
    /// the tensor the attention continues with (a hook for recording it as an activation).
    /// </summary>
    public Tensor Forward(Tensor input, Func<Tensor, Tensor>? normalized)
    {
        if (input.Dim != 3) throw new ArgumentException($"Expected (batch_size, seq_length, hidden_dim) got [{string.Join(", ", input.Shape)}]", nameof(input));
        // With a hook the recorded activations must outlive this call: everything stays in the caller's scope.
        using var scope = normalized is null ? DisposeScope.Open() : null;
        var y = _ln1.Forward(input);
        if (normalized is not null) y = normalized(y);
        var x = _dropout.Forward(_attention.Forward(y)) + input;
        var output = x + _mlp.Forward(_ln2.Forward(x));
        return scope is null ? output : scope.MoveToOuter(output);
    }
}
