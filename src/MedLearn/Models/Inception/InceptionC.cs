using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Inception;

/// <summary>
/// torchvision's InceptionC (Mixed_6b..e): 1x1 | 1x1→1x7→7x1 | 1x1→7x1→1x7→7x1→1x7 | avgpool 3x3/1→1x1 (192 channels
/// each), concatenated.
/// </summary>
public sealed class InceptionC : Module<Tensor, Tensor>
{
    private readonly BasicConv2d _b1, _b7_1, _b7_2, _b7_3, _d1, _d2, _d3, _d4, _d5, _pool;

    /// <summary>A block reading <paramref name="inChannels"/> with <paramref name="channels7x7"/> inner 7x7 channels.</summary>
    public InceptionC(long inChannels, long channels7x7)
    {
        var c7 = channels7x7;
        _b1 = RegisterModule("branch1x1", new BasicConv2d(inChannels, 192, 1));
        _b7_1 = RegisterModule("branch7x7_1", new BasicConv2d(inChannels, c7, 1));
        _b7_2 = RegisterModule("branch7x7_2", new BasicConv2d(c7, c7, [1, 7], 1, [0, 3]));
        _b7_3 = RegisterModule("branch7x7_3", new BasicConv2d(c7, 192, [7, 1], 1, [3, 0]));
        _d1 = RegisterModule("branch7x7dbl_1", new BasicConv2d(inChannels, c7, 1));
        _d2 = RegisterModule("branch7x7dbl_2", new BasicConv2d(c7, c7, [7, 1], 1, [3, 0]));
        _d3 = RegisterModule("branch7x7dbl_3", new BasicConv2d(c7, c7, [1, 7], 1, [0, 3]));
        _d4 = RegisterModule("branch7x7dbl_4", new BasicConv2d(c7, c7, [7, 1], 1, [3, 0]));
        _d5 = RegisterModule("branch7x7dbl_5", new BasicConv2d(c7, 192, [1, 7], 1, [0, 3]));
        _pool = RegisterModule("branch_pool", new BasicConv2d(inChannels, 192, 1));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        using var b1 = _b1.Forward(input);
        using var b7 = _b7_3.ForwardReleasing(_b7_2.ForwardReleasing(_b7_1.Forward(input)));
        using var d = _d5.ForwardReleasing(_d4.ForwardReleasing(_d3.ForwardReleasing(_d2.ForwardReleasing(_d1.Forward(input)))));
        using var bp = _pool.ForwardReleasing(Functional.AvgPool2d(input, [3, 3], [1, 1], [1, 1]));
        return torch.Cat([b1, b7, d, bp], 1);
    }
}
