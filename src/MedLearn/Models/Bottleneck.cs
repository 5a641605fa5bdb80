using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// torchvision's Bottleneck (ResNet-50 and up, "ResNet V1.5": the stride sits on the 3x3 conv2):
/// conv1x1-bn-relu-conv3x3(stride)-bn-relu-conv1x1(x4)-bn, plus the identity or <c>downsample</c>, then relu.
/// Parameter names and order match torchvision (conv1, bn1, conv2, bn2, conv3, bn3, downsample.0/1).
/// </summary>
public sealed class Bottleneck : Module<Tensor, Tensor>, IConvBatchNormFoldable
{
    /// <summary>Output channels per <c>planes</c> (4).</summary>
    public const long Expansion = 4;

    private Module<Tensor, Tensor> _conv1;
    private Module<Tensor, Tensor> _bn1;
    private Module<Tensor, Tensor> _conv2;
    private Module<Tensor, Tensor> _bn2;
    private Module<Tensor, Tensor> _conv3;
    private Module<Tensor, Tensor> _bn3;
    private readonly ReLU _relu;
    private readonly Sequential? _downsample;

    /// <summary>A block from <paramref name="inplanes"/> to <c>planes * 4</c> channels; <paramref name="downsample"/> adapts the identity.</summary>
    public Bottleneck(long inplanes, long planes, long stride = 1, Sequential? downsample = null)
    {
        var width = planes;
        _conv1 = RegisterModule("conv1", new Conv2d(inplanes, width, 1, bias: false));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(width));
        _conv2 = RegisterModule("conv2", new Conv2d(width, width, 3, stride: stride, padding: 1, bias: false));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(width));
        _conv3 = RegisterModule("conv3", new Conv2d(width, planes * Expansion, 1, bias: false));
        _bn3 = RegisterModule("bn3", new BatchNorm2d(planes * Expansion));
        _relu = RegisterModule("relu", new ReLU(inplace: true));
        if (downsample is not null) _downsample = RegisterModule("downsample", downsample);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var identity = _downsample?.Forward(input) ?? input;
        var x = _relu.ForwardReleasing(_bn1.ForwardReleasing(_conv1.Forward(input)));
        x = _relu.ForwardReleasing(_bn2.ForwardReleasing(_conv2.ForwardReleasing(x)));
        x = _bn3.ForwardReleasing(_conv3.ForwardReleasing(x));
        x.Add_(identity);
        if (!ReferenceEquals(identity, input)) identity.Dispose();
        return _relu.ForwardReleasing(x);
    }

    /// <summary>bn1, bn2, bn3 follow conv1, conv2, conv3 (the downsample's conv/bn pair is a Sequential, folded as such).</summary>
    public IReadOnlyList<(string Conv, string BatchNorm)> ConvBatchNormPairs => [("conv1", "bn1"), ("conv2", "bn2"), ("conv3", "bn3")];

    /// <inheritdoc/>
    public void ReplaceLayer(string name, Module<Tensor, Tensor> replacement)
    {
        switch (name)
        {
            case "conv1": _conv1 = replacement; break;
            case "bn1": _bn1 = replacement; break;
            case "conv2": _conv2 = replacement; break;
            case "bn2": _bn2 = replacement; break;
            case "conv3": _conv3 = replacement; break;
            case "bn3": _bn3 = replacement; break;
            default: throw new ArgumentException($"{nameof(Bottleneck)} cannot replace '{name}'", nameof(name));
        }
        ReplaceModule(name, replacement);
    }
}
