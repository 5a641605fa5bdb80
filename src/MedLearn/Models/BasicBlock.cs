using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// torchvision's BasicBlock (ResNet-18/34): conv3x3(stride)-bn-relu-conv3x3-bn, plus the identity or a
/// 1x1-conv/bn <c>downsample</c>, then relu. Parameter names and order match torchvision
/// (conv1, bn1, conv2, bn2, downsample.0/1).
/// </summary>
public sealed class BasicBlock : Module<Tensor, Tensor>
{
    /// <summary>Output channels per <c>planes</c> (1).</summary>
    public const long Expansion = 1;

    private readonly Conv2d _conv1;
    private readonly BatchNorm2d _bn1;
    private readonly ReLU _relu;
    private readonly Conv2d _conv2;
    private readonly BatchNorm2d _bn2;
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
        var x = _relu.Forward(_bn1.Forward(_conv1.Forward(input)));
        x = _bn2.Forward(_conv2.Forward(x));
        x.Add_(identity);
        return _relu.Forward(x);
    }
}
