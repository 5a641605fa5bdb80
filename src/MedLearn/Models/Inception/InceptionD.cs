using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Inception;

/// <summary>torchvision's InceptionD (Mixed_7a, grid reduction): 1x1→3x3/2 | 1x1→1x7→7x1→3x3/2 | maxpool 3x3/2, concatenated.</summary>
public sealed class InceptionD : Module<Tensor, Tensor>
{
    private readonly BasicConv2d _b3_1, _b3_2, _b7_1, _b7_2, _b7_3, _b7_4;

    /// <summary>A block reading <paramref name="inChannels"/>.</summary>
    public InceptionD(long inChannels)
    {
        _b3_1 = RegisterModule("branch3x3_1", new BasicConv2d(inChannels, 192, 1));
        _b3_2 = RegisterModule("branch3x3_2", new BasicConv2d(192, 320, 3, stride: 2));
        _b7_1 = RegisterModule("branch7x7x3_1", new BasicConv2d(inChannels, 192, 1));
        _b7_2 = RegisterModule("branch7x7x3_2", new BasicConv2d(192, 192, [1, 7], 1, [0, 3]));
        _b7_3 = RegisterModule("branch7x7x3_3", new BasicConv2d(192, 192, [7, 1], 1, [3, 0]));
        _b7_4 = RegisterModule("branch7x7x3_4", new BasicConv2d(192, 192, 3, stride: 2));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        using var b3 = _b3_2.ForwardReleasing(_b3_1.Forward(input));
        using var b7 = _b7_4.ForwardReleasing(_b7_3.ForwardReleasing(_b7_2.ForwardReleasing(_b7_1.Forward(input))));
        using var bp = Functional.MaxPool2d(input, [3, 3], [2, 2]);
        return torch.Cat([b3, b7, bp], 1);
    }
}
