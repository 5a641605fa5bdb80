using MedLearn.Models.Blocks;
using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.RegNet;

/// <summary>
/// torchvision's RegNet ResBottleneckBlock (bottleneck multiplier 1): <c>proj</c> (1x1 conv-bn with the stride, when
/// width or resolution changes), <c>f</c> = "a" 1x1 conv-bn-relu, "b" 3x3 grouped conv-bn-relu (stride; groups =
/// width / group width), "se" squeeze-excitation (squeeze = round(se_ratio · width_in), ReLU, sigmoid), "c" 1x1 conv-bn;
/// output relu(proj(x) + f(x)).
/// </summary>
public sealed class ResBottleneckBlock : Module<Tensor, Tensor>
{
    private readonly Sequential? _proj;
    private readonly Sequential _f;
    private readonly ReLU _activation;

    /// <summary>A block from <paramref name="widthIn"/> to <paramref name="widthOut"/> channels.</summary>
    public ResBottleneckBlock(long widthIn, long widthOut, long stride, long groupWidth, double? seRatio)
    {
        if (widthIn != widthOut || stride != 1)
            _proj = RegisterModule("proj", ConvNormActivation.Create(widthIn, widthOut, 1, stride));
        var groups = widthOut / groupWidth;
        _f = new Sequential(
            ("a", ConvNormActivation.Create(widthIn, widthOut, 1, activation: new ReLU(inplace: true))),
            ("b", ConvNormActivation.Create(widthOut, widthOut, 3, stride, groups, activation: new ReLU(inplace: true))));
        if (seRatio is double r && r > 0)
            _f.Add("se", new SqueezeExcitation(widthOut, (long)Math.Round(r * widthIn, MidpointRounding.ToEven), new ReLU(inplace: true), new Sigmoid()));
        _f.Add("c", ConvNormActivation.Create(widthOut, widthOut, 1));
        RegisterModule("f", _f);
        _activation = RegisterModule("activation", new ReLU(inplace: true));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var f = _f.Forward(input);
        if (_proj is null) f.Add_(input);
        else
        {
            using var p = _proj.Forward(input);
            f.Add_(p);
        }
        return _activation.ForwardReleasing(f);
    }
}
