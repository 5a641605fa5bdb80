using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// torchvision's BasicBlock (ResNet-18/34): conv3x3(stride)-bn-relu-conv3x3-bn, plus the identity or a
/// 1x1-conv/bn <c>downsample</c>, then relu. Parameter names and order match torchvision
/// (conv1, bn1, conv2, bn2, downsample.0/1).
/// </summary>
public sealed class BasicBlock : Module<Tensor, Tensor>, IConvBatchNormFoldable
{
    /// <summary>Output channels per <c>planes</c> (1).</summary>
    public const long Expansion = 1;

    private Module<Tensor, Tensor> _conv1;
    private Module<Tensor, Tensor> _bn1;
    private readonly ReLU _relu;
    private Module<Tensor, Tensor> _conv2;
    private Module<Tensor, Tensor> _bn2;
    private readonly Sequential? _downsample;

    /// <summary>A block from <paramref name="inplanes"/> to <paramref name="planes"/> channels; <paramref name="downsample"/> adapts the identity.</summary>
    public BasicBlock(long inplanes, long planes, long stride = 1, Sequential? downsample = null)
    {
        _conv1 = RegisterModule("conv1", new Conv2d(inplanes, planes, 3, stride: stride, padding: 1, bias: false));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        _relu = RegisterModule("relu", new ReLU(inplace: true));
        _conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, padding: 1, bias: false));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        if (downsample is not null) _downsample = RegisterModule("downsample", downsample);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var identity = _downsample?.Forward(input) ?? input;
        var x = _relu.ForwardReleasing(_bn1.ForwardReleasing(_conv1.Forward(input)));
        x = _bn2.ForwardReleasing(_conv2.ForwardReleasing(x));
        x.Add_(identity);
        if (!ReferenceEquals(identity, input)) identity.Dispose();
        return _relu.ForwardReleasing(x);
    }

    /// <summary>bn1 follows conv1 and bn2 follows conv2 (the downsample's conv/bn pair is a Sequential, folded as such).</summary>
    public IReadOnlyList<(string Conv, string BatchNorm)> ConvBatchNormPairs => [("conv1", "bn1"), ("conv2", "bn2")];

    /// <inheritdoc/>
    public void ReplaceLayer(string name, Module<Tensor, Tensor> replacement)
    {
        switch (name)
        {
            case "conv1": _conv1 = replacement; break;
            case "bn1": _bn1 = replacement; break;
            case "conv2": _conv2 = replacement; break;
            case "bn2": _bn2 = replacement; break;
            default: throw new ArgumentException($"{nameof(BasicBlock)} cannot replace '{name}'", nameof(name));
        }
        ReplaceModule(name, replacement);
    }
}
