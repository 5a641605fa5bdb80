using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// torchvision's SwinTransformerBlock (V1, pre-norm): x = x + stochastic_depth(attn(norm1(x))); x = x +
/// stochastic_depth(mlp(norm2(x))) on [B, H, W, C]. Children in torchvision's order: norm1, attn
/// (<see cref="ShiftedWindowAttention"/>), stochastic_depth, norm2, mlp (<see cref="MLPBlock"/>, ratio 4).
/// </summary>
public sealed class SwinTransformerBlock : Module<Tensor, Tensor>
{
    private readonly LayerNorm _norm1;
    private readonly ShiftedWindowAttention _attn;
    private readonly StochasticDepth _stochasticDepth;
    private readonly LayerNorm _norm2;
    private readonly Sequential _mlp;

    /// <summary>A block of <paramref name="dim"/> channels; <paramref name="shiftSize"/> is 0 or half the window.</summary>
    public SwinTransformerBlock(long dim, long numHeads, IReadOnlyList<long> windowSize, IReadOnlyList<long> shiftSize,
        double mlpRatio = 4.0, double stochasticDepthProb = 0)
    {
        _norm1 = RegisterModule("norm1", new LayerNorm(dim));
        _attn = RegisterModule("attn", new ShiftedWindowAttention(dim, windowSize, shiftSize, numHeads));
        _stochasticDepth = RegisterModule("stochastic_depth", new StochasticDepth(stochasticDepthProb));
        _norm2 = RegisterModule("norm2", new LayerNorm(dim));
        _mlp = RegisterModule("mlp", MLPBlock.Create(dim, (long)(dim * mlpRatio), 0));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        using var scope = DisposeScope.Open();
        var x = input + _stochasticDepth.Forward(_attn.Forward(_norm1.Forward(input)));
        x = x + _stochasticDepth.Forward(_mlp.Forward(_norm2.Forward(x)));
        return scope.MoveToOuter(x);
    }
}
