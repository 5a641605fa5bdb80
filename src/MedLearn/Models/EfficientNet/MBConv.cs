using MedLearn.Models.Blocks;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.EfficientNet;

/// <summary>
/// torchvision's MBConv (EfficientNet): <c>block</c> = [1x1 expand conv-bn-SiLU (when the expansion is not 1)],
/// depthwise k×k conv-bn-SiLU (stride), squeeze-excitation (squeeze = max(1, in/4), SiLU and sigmoid), 1x1 project
/// conv-bn; with stride 1 and equal channels the input is added after per-sample stochastic depth
/// (<c>stochastic_depth</c>, training only).
/// </summary>
public sealed class MBConv : Module<Tensor, Tensor>
{
    private readonly Sequential _block;
    private readonly StochasticDepth _stochasticDepth;
    private readonly bool _useResidual;

    /// <summary>Whether the block adds its input (stride 1, same channel count): exporters write the same forward.</summary>
    internal bool UseResidual => _useResidual;

    /// <summary>A block from <paramref name="inputChannels"/> to the config's output channels.</summary>
    public MBConv(MBConvConfig config, long inputChannels, long stride, double stochasticDepthProb, double bnEps)
    {
        ArgumentNullException.ThrowIfNull(config);
        _useResidual = stride == 1 && inputChannels == config.OutChannels;
        var expanded = config.ExpandedChannels(inputChannels);
        _block = new Sequential();
        if (expanded != inputChannels)
            _block.Append(ConvNormActivation.Create(inputChannels, expanded, 1, activation: new SiLU(inplace: true), eps: bnEps));
        _block.Append(ConvNormActivation.Create(expanded, expanded, config.Kernel, stride, groups: expanded, activation: new SiLU(inplace: true), eps: bnEps));
        _block.Append(new SqueezeExcitation(expanded, Math.Max(1, inputChannels / 4), new SiLU(inplace: true), new Sigmoid()));
        _block.Append(ConvNormActivation.Create(expanded, config.OutChannels, 1, eps: bnEps));
        RegisterModule("block", _block);
        _stochasticDepth = RegisterModule("stochastic_depth", new StochasticDepth(stochasticDepthProb));
    }

    /// <summary>Whether the input is added to the block's output (stride 1 and equal channels).</summary>
    internal bool UseResidual => _useResidual;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var result = _block.Forward(input);
        if (!_useResidual) return result;
        result = _stochasticDepth.ForwardReleasing(result);
        return result.Add_(input);
    }
}
