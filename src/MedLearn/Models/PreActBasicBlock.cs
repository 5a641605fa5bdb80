using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// Pre-activation basic block (He et al. 2016, "Identity Mappings in Deep Residual Networks"; GMIC's
/// <c>BasicBlockV2</c>): <c>a = relu(bn1(x))</c>, <c>out = conv2(relu(bn2(conv1(a)))) + shortcut</c>, where conv1 is
/// 3x3 with the block's stride, conv2 3x3 stride 1, and the shortcut is <c>x</c> itself or, when a
/// <c>downsample</c> is given, <c>downsample(a)</c> (on the pre-activated input). No activation after the sum.
/// Parameter names and registration order follow GMIC (bn1, relu, conv1, bn2, conv2, downsample).
/// </summary>
public sealed class PreActBasicBlock : Module<Tensor, Tensor>, IConvBatchNormFoldable
{
    /// <summary>Output channels per <c>planes</c> (1).</summary>
    public const long Expansion = 1;

    private readonly BatchNorm2d _bn1;
    private readonly ReLU _relu;
    private Module<Tensor, Tensor> _conv1;
    private Module<Tensor, Tensor> _bn2;
    private readonly Conv2d _conv2;
    private readonly Module<Tensor, Tensor>? _downsample;

    /// <summary>
    /// A block from <paramref name="inplanes"/> to <paramref name="planes"/> channels; <paramref name="downsample"/>
    /// (e.g. a 1x1 convolution with the block's stride) adapts the pre-activated input for the sum.
    /// </summary>
    public PreActBasicBlock(long inplanes, long planes, long stride = 1, Module<Tensor, Tensor>? downsample = null)
    {
        _bn1 = RegisterModule("bn1", new BatchNorm2d(inplanes));
        _relu = RegisterModule("relu", new ReLU(inplace: true));
        _conv1 = RegisterModule("conv1", new Conv2d(inplanes, planes, 3, stride: stride, padding: 1, bias: false));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        _conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, padding: 1, bias: false));
        if (downsample is not null) _downsample = RegisterModule("downsample", downsample);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var a = _relu.ForwardReleasing(_bn1.Forward(input));
        var shortcut = _downsample?.Forward(a) ?? input;
        var x = _relu.ForwardReleasing(_bn2.ForwardReleasing(_conv1.ForwardReleasing(a)));
        x = _conv2.ForwardReleasing(x);
        x.Add_(shortcut);
        if (!ReferenceEquals(shortcut, input)) shortcut.Dispose();
        return x;
    }

    /// <summary>conv1 is directly followed by bn2 (bn1 and the shortcut see the block input, not a convolution).</summary>
    public IReadOnlyList<(string Conv, string BatchNorm)> ConvBatchNormPairs => [("conv1", "bn2")];

    /// <inheritdoc/>
    public void ReplaceLayer(string name, Module<Tensor, Tensor> replacement)
    {
        switch (name)
        {
            case "conv1": _conv1 = replacement; break;
            case "bn2": _bn2 = replacement; break;
            default: throw new ArgumentException($"{nameof(PreActBasicBlock)} cannot replace '{name}'", nameof(name));
        }
        ReplaceModule(name, replacement);
    }
}
