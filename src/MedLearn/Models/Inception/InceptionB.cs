using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Inception;

/// <summary>torchvision's InceptionB (Mixed_6a, grid reduction): 3x3/2 | 1x1→3x3→3x3/2 | maxpool 3x3/2, concatenated.</summary>
public sealed class InceptionB : Module<Tensor, Tensor>
{
    private readonly BasicConv2d _b3, _d1, _d2, _d3;

    /// <summary>A block reading <paramref name="inChannels"/>.</summary>
    public InceptionB(long inChannels)
    {
        _b3 = RegisterModule("branch3x3", new BasicConv2d(inChannels, 384, 3, stride: 2));
        _d1 = RegisterModule("branch3x3dbl_1", new BasicConv2d(inChannels, 64, 1));
        _d2 = RegisterModule("branch3x3dbl_2", new BasicConv2d(64, 96, 3, padding: 1));
        _d3 = RegisterModule("branch3x3dbl_3", new BasicConv2d(96, 96, 3, stride: 2));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        using var b3 = _b3.Forward(input);
        using var d = _d3.ForwardReleasing(_d2.ForwardReleasing(_d1.Forward(input)));
        using var bp = Functional.MaxPool2d(input, [3, 3], [2, 2]);
        return torch.Cat([b3, d, bp], 1);
    }
}
