using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.EfficientNet;

/// <summary>
/// What torchvision's MBConv and FusedMBConv share: a <c>block</c> (registered first, as torchvision does), a
/// <c>stochastic_depth</c>, and the forward <c>y = block(x)</c>, plus <c>stochastic_depth(y) + x</c> when the block keeps
/// stride 1 and the channel count. Stochastic depth drops whole samples in training and is the identity in evaluation.
/// </summary>
public abstract class StochasticResidualBlock : Module<Tensor, Tensor>
{
    private readonly Sequential _block;
    private readonly StochasticDepth _stochasticDepth;

    /// <summary>Registers <paramref name="block"/> and the stochastic depth of <paramref name="stochasticDepthProb"/>.</summary>
    private protected StochasticResidualBlock(Sequential block, long inputChannels, long outputChannels, long stride, double stochasticDepthProb)
    {
        UseResidual = stride == 1 && inputChannels == outputChannels;
        _block = RegisterModule("block", block);
        _stochasticDepth = RegisterModule("stochastic_depth", new StochasticDepth(stochasticDepthProb));
    }

    /// <summary>Whether the block adds its input (stride 1, same channel count): exporters write the same forward.</summary>
    internal bool UseResidual { get; }

    /// <inheritdoc/>
    public sealed override Tensor Forward(Tensor input)
    {
        var result = _block.Forward(input);
        if (!UseResidual) return result;
        result = _stochasticDepth.ForwardReleasing(result);
        return result.Add_(input);
    }
}
