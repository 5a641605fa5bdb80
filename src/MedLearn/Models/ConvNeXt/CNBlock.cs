using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// torchvision's ConvNeXt block (CNBlock): <c>block</c> = depthwise conv 7x7 (0), permute to NHWC (1), LayerNorm
/// eps 1e-6 (2), Linear C→4C (3), GELU (4), Linear 4C→C (5), permute back (6); output =
/// input + stochastic_depth(layer_scale · block(input)). Parameter names and order as torchvision
/// (<c>layer_scale</c> [C, 1, 1] first, then <c>block.*</c>).
/// </summary>
public sealed class CNBlock : Module<Tensor, Tensor>
{
    private readonly Sequential _block;
    private readonly StochasticDepth _stochasticDepth;

    /// <summary>A block of <paramref name="dim"/> channels with layer scale initialised to <paramref name="layerScale"/>.</summary>
    public CNBlock(long dim, double layerScale, double stochasticDepthProb)
    {
        _block = RegisterModule("block", new Sequential(
            new Conv2d(dim, dim, 7, padding: 3, groups: dim, bias: true),
            new Permute(0, 2, 3, 1),
            new LayerNorm(dim, eps: 1e-6),
            new Linear(dim, 4 * dim),
            new GELU(),
            new Linear(4 * dim, dim),
            new Permute(0, 3, 1, 2)));
        LayerScale = RegisterParameter("layer_scale", torch.Full([dim, 1, 1], layerScale))!;
        _stochasticDepth = RegisterModule("stochastic_depth", new StochasticDepth(stochasticDepthProb));
    }

    /// <summary>The learnable per-channel scale of the residual branch [C, 1, 1].</summary>
    public Tensor LayerScale { get; }

    /// <summary>Probability of dropping the residual branch in training.</summary>
    public double StochasticDepthProb => _stochasticDepth.P;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        using var scope = DisposeScope.Open();
        var result = _stochasticDepth.Forward(LayerScale * _block.Forward(input));
        return scope.MoveToOuter(result + input);
    }
}
