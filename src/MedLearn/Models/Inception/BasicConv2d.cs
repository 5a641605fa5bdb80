using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Inception;

/// <summary>torchvision's Inception BasicConv2d: <c>conv</c> (no bias), <c>bn</c> (eps 1e-3), relu.</summary>
public sealed class BasicConv2d : Module<Tensor, Tensor>, IConvBatchNormFoldable
{
    private Module<Tensor, Tensor> _conv;
    private Module<Tensor, Tensor> _bn;

    /// <summary>A square-kernel block.</summary>
    public BasicConv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0)
        : this(inChannels, outChannels, [kernelSize, kernelSize], stride, [padding, padding]) { }

    /// <summary>A block with a (kh, kw) kernel and (ph, pw) padding.</summary>
    public BasicConv2d(long inChannels, long outChannels, long[] kernelSize, long stride, long[] padding)
    {
        _conv = RegisterModule("conv", new Conv2d(inChannels, outChannels, kernelSize, [stride], padding, bias: false));
        _bn = RegisterModule("bn", new BatchNorm2d(outChannels, eps: 0.001));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Relu_(_bn.ForwardReleasing(_conv.Forward(input)));

    /// <summary>bn follows conv.</summary>
    public IReadOnlyList<(string Conv, string BatchNorm)> ConvBatchNormPairs => [("conv", "bn")];

    /// <inheritdoc/>
    public void ReplaceLayer(string name, Module<Tensor, Tensor> replacement)
    {
        switch (name)
        {
            case "conv": _conv = replacement; break;
            case "bn": _bn = replacement; break;
            default: throw new ArgumentException($"{nameof(BasicConv2d)} cannot replace '{name}'", nameof(name));
        }
        ReplaceModule(name, replacement);
    }
}
