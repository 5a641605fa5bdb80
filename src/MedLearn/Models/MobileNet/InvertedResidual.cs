using MedLearn.Models.Blocks;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.MobileNet;

/// <summary>
/// torchvision's MobileNetV3 InvertedResidual: <c>block</c> = [1x1 expand conv-bn-act (when expanded ≠ input)],
/// depthwise k×k conv-bn-act (stride), [squeeze-excitation with squeeze = make_divisible(expanded/4, 8), ReLU and hard
/// sigmoid], 1x1 project conv-bn; act = hard swish or ReLU; plus the input when stride 1 and channels equal.
/// Batch norms eps 1e-3, momentum 0.01.
/// </summary>
public sealed class InvertedResidual : Module<Tensor, Tensor>
{
    private readonly Sequential _block;
    private readonly bool _useResidual;

    /// <summary>The block of <paramref name="config"/>.</summary>
    public InvertedResidual(InvertedResidualConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _useResidual = config.Stride == 1 && config.InputChannels == config.OutChannels;
        Module<Tensor, Tensor> Act() => config.UseHardswish ? new Hardswish(inplace: true) : new ReLU(inplace: true);
        _block = new Sequential();
        if (config.ExpandedChannels != config.InputChannels)
            _block.Append(ConvNormActivation.Create(config.InputChannels, config.ExpandedChannels, 1, activation: Act(), eps: MobileNetV3.BnEps, momentum: MobileNetV3.BnMomentum));
        _block.Append(ConvNormActivation.Create(config.ExpandedChannels, config.ExpandedChannels, config.Kernel, config.Stride, groups: config.ExpandedChannels,
            activation: Act(), eps: MobileNetV3.BnEps, momentum: MobileNetV3.BnMomentum));
        if (config.UseSqueezeExcitation)
            _block.Append(new SqueezeExcitation(config.ExpandedChannels, ChannelRounding.MakeDivisible(config.ExpandedChannels / 4, 8), new ReLU(), new Hardsigmoid()));
        _block.Append(ConvNormActivation.Create(config.ExpandedChannels, config.OutChannels, 1, eps: MobileNetV3.BnEps, momentum: MobileNetV3.BnMomentum));
        RegisterModule("block", _block);
    }

    /// <summary>Whether the input is added to the block's output (stride 1 and equal channels).</summary>
    internal bool UseResidual => _useResidual;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var result = _block.Forward(input);
        return _useResidual ? result.Add_(input) : result;
    }
}
