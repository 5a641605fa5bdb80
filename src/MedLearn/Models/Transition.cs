using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>torchvision's _Transition between dense blocks: norm-relu-conv 1x1-pool (2x2 average, stride 2).</summary>
public sealed class Transition : Module<Tensor, Tensor>
{
    private readonly BatchNorm2d _norm;
    private readonly ReLU _relu;
    private readonly Conv2d _conv;
    private readonly AvgPool2d _pool;

    /// <summary>A transition from <paramref name="inputFeatures"/> to <paramref name="outputFeatures"/> channels.</summary>
    public Transition(long inputFeatures, long outputFeatures)
    {
        _norm = RegisterModule("norm", new BatchNorm2d(inputFeatures));
        _relu = RegisterModule("relu", new ReLU(inplace: true));
        _conv = RegisterModule("conv", new Conv2d(inputFeatures, outputFeatures, 1, bias: false));
        _pool = RegisterModule("pool", new AvgPool2d(2, stride: 2));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        _pool.ForwardReleasing(_conv.ForwardReleasing(_relu.ForwardReleasing(_norm.Forward(input))));
}
