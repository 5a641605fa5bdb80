using MedLearn.Models.Blocks;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.EfficientNet;

/// <summary>
/// torchvision's FusedMBConv (EfficientNet-V2's early stages): <c>block</c> = k×k expand conv-bn-SiLU (stride) and a
/// 1x1 project conv-bn, or, without expansion, one k×k conv-bn-SiLU; residual with stochastic depth as in <see cref="MBConv"/>.
/// </summary>
public sealed class FusedMBConv : Module<Tensor, Tensor>
{
    private readonly Sequential _block;
    private readonly StochasticDepth _stochasticDepth;
    private readonly bool _useResidual;

    /// <summary>Whether the block adds its input (stride 1, same channel count): exporters write the same forward.</summary>
    internal bool UseResidual => _useResidual;

    /// <summary>A block from <paramref name="inputChannels"/> to the config's output channels.</summary>
    public FusedMBConv(MBConvConfig config, long inputChannels, long stride, double stochasticDepthProb, double bnEps)
    {
        ArgumentNullException.ThrowIfNull(config);
        _useResidual = stride == 1 && inputChannels == config.OutChannels;
        var expanded = config.ExpandedChannels(inputChannels);
        _block = new Sequential();
        if (expanded != inputChannels)
        {
            _block.Append(ConvNormActivation.Create(inputChannels, expanded, config.Kernel, stride, activation: new SiLU(inplace: true), eps: bnEps));
            _block.Append(ConvNormActivation.Create(expanded, config.OutChannels, 1, eps: bnEps));
        }
        else _block.Append(ConvNormActivation.Create(inputChannels, config.OutChannels, config.Kernel, stride, activation: new SiLU(inplace: true), eps: bnEps));
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
