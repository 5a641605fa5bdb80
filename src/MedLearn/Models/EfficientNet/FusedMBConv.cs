using MedLearn.Models.Blocks;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.EfficientNet;

/// <summary>
/// torchvision's FusedMBConv (EfficientNet-V2's early stages): <c>block</c> = k×k expand conv-bn-SiLU (stride) and a
/// 1x1 project conv-bn, or, without expansion, one k×k conv-bn-SiLU; residual with stochastic depth as in <see cref="MBConv"/>.
/// </summary>
public sealed class FusedMBConv : StochasticResidualBlock
{
    /// <summary>A block from <paramref name="inputChannels"/> to the config's output channels.</summary>
    public FusedMBConv(MBConvConfig config, long inputChannels, long stride, double stochasticDepthProb, double bnEps)
        : base(Block(config, inputChannels, stride, bnEps), inputChannels, config.OutChannels, stride, stochasticDepthProb)
    {
    }

    private static Sequential Block(MBConvConfig config, long inputChannels, long stride, double bnEps)
    {
        ArgumentNullException.ThrowIfNull(config);
        var expanded = config.ExpandedChannels(inputChannels);
        var block = new Sequential();
        if (expanded != inputChannels)
        {
            block.Append(ConvNormActivation.Create(inputChannels, expanded, config.Kernel, stride, activation: new SiLU(inplace: true), eps: bnEps));
            block.Append(ConvNormActivation.Create(expanded, config.OutChannels, 1, eps: bnEps));
        }
        else block.Append(ConvNormActivation.Create(inputChannels, config.OutChannels, config.Kernel, stride, activation: new SiLU(inplace: true), eps: bnEps));
        return block;
    }
}
