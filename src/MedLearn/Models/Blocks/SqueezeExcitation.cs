using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Blocks;

/// <summary>
/// torchvision.ops.misc.SqueezeExcitation: x · σ(fc2(δ(fc1(avgpool(x))))) with 1x1 convolutions fc1
/// (<c>input → squeeze</c> channels) and fc2 (back), δ = <c>activation</c> (ReLU, or SiLU in EfficientNet) and
/// σ = <c>scale_activation</c> (sigmoid, or hard sigmoid in MobileNetV3). Children in torchvision's order: avgpool,
/// fc1, fc2, activation, scale_activation.
/// </summary>
public sealed class SqueezeExcitation : Module<Tensor, Tensor>
{
    private readonly AdaptiveAvgPool2d _avgpool;
    private readonly Conv2d _fc1;
    private readonly Conv2d _fc2;
    private readonly Module<Tensor, Tensor> _activation;
    private readonly Module<Tensor, Tensor> _scaleActivation;

    /// <summary>The block for <paramref name="inputChannels"/> channels squeezed to <paramref name="squeezeChannels"/>.</summary>
    public SqueezeExcitation(long inputChannels, long squeezeChannels, Module<Tensor, Tensor> activation, Module<Tensor, Tensor> scaleActivation)
    {
        _avgpool = RegisterModule("avgpool", new AdaptiveAvgPool2d(1));
        _fc1 = RegisterModule("fc1", new Conv2d(inputChannels, squeezeChannels, 1));
        _fc2 = RegisterModule("fc2", new Conv2d(squeezeChannels, inputChannels, 1));
        _activation = RegisterModule("activation", activation);
        _scaleActivation = RegisterModule("scale_activation", scaleActivation);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var scale = _fc1.ForwardReleasing(_avgpool.Forward(input));
        scale = _scaleActivation.ForwardReleasing(_fc2.ForwardReleasing(_activation.ForwardReleasing(scale)));
        var result = scale * input;
        scale.Dispose();
        return result;
    }
}
