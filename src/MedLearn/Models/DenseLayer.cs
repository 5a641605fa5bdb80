using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// torchvision's _DenseLayer (drop_rate 0): the concatenation of all earlier feature maps through
/// norm1-relu1-conv1 (1x1 to bn_size * growth) and norm2-relu2-conv2 (3x3 to growth channels).
/// </summary>
public sealed class DenseLayer : Module<Tensor, Tensor>
{
    private readonly BatchNorm2d _norm1;
    private readonly ReLU _relu1;
    private readonly Conv2d _conv1;
    private readonly BatchNorm2d _norm2;
    private readonly ReLU _relu2;
    private readonly Conv2d _conv2;

    /// <summary>A layer reading <paramref name="inputFeatures"/> channels and producing <paramref name="growthRate"/>.</summary>
    public DenseLayer(long inputFeatures, long growthRate, long bnSize)
    {
        _norm1 = RegisterModule("norm1", new BatchNorm2d(inputFeatures));
        _relu1 = RegisterModule("relu1", new ReLU(inplace: true));
        _conv1 = RegisterModule("conv1", new Conv2d(inputFeatures, bnSize * growthRate, 1, bias: false));
        _norm2 = RegisterModule("norm2", new BatchNorm2d(bnSize * growthRate));
        _relu2 = RegisterModule("relu2", new ReLU(inplace: true));
        _conv2 = RegisterModule("conv2", new Conv2d(bnSize * growthRate, growthRate, 3, padding: 1, bias: false));
    }

    /// <summary>The new feature maps for the already concatenated input.</summary>
    public override Tensor Forward(Tensor input)
    {
        var x = _conv1.ForwardReleasing(_relu1.ForwardReleasing(_norm1.Forward(input)));
        return _conv2.ForwardReleasing(_relu2.ForwardReleasing(_norm2.ForwardReleasing(x)));
    }
}
