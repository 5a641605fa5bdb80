using MedLearn.Models.Blocks;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.EfficientNet;

/// <summary>
/// torchvision's MBConv (EfficientNet): <c>block</c> = [1x1 expand conv-bn-SiLU (when the expansion is not 1)],
/// depthwise k×k conv-bn-SiLU (stride), squeeze-excitation (squeeze = max(1, in/4), SiLU and sigmoid), 1x1 project
/// conv-bn; with stride 1 and equal channels the input is added after per-sample stochastic depth
/// (<c>stochastic_depth</c>, training only).
/// </summary>
public sealed class MBConv : StochasticResidualBlock
{
    /// <summary>A block from <paramref name="inputChannels"/> to the config's output channels.</summary>
    public MBConv(MBConvConfig config, long inputChannels, long stride, double stochasticDepthProb, double bnEps)
        : base(Block(config, inputChannels, stride, bnEps), inputChannels, config.OutChannels, stride, stochasticDepthProb)
    {
    }

    private static Sequential Block(MBConvConfig config, long inputChannels, long stride, double bnEps)
    {
        ArgumentNullException.ThrowIfNull(config);
        var expanded = config.ExpandedChannels(inputChannels);
        var block = new Sequential();
        if (expanded != inputChannels)
            block.Append(ConvNormActivation.Create(inputChannels, expanded, 1, activation: new SiLU(inplace: true), eps: bnEps));
        block.Append(ConvNormActivation.Create(expanded, expanded, config.Kernel, stride, groups: expanded, activation: new SiLU(inplace: true), eps: bnEps));
        block.Append(new SqueezeExcitation(expanded, Math.Max(1, inputChannels / 4), new SiLU(inplace: true), new Sigmoid()));
        block.Append(ConvNormActivation.Create(expanded, config.OutChannels, 1, eps: bnEps));
        return block;
    }
}
