using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Inception;

/// <summary>
/// torchvision's InceptionE (Mixed_7b/c): 1x1 (320) | 1x1→(1x3 ‖ 3x1) (768) | 1x1→3x3→(1x3 ‖ 3x1) (768) |
/// avgpool 3x3/1→1x1 (192), concatenated (2048 channels).
/// </summary>
public sealed class InceptionE : Module<Tensor, Tensor>
{
    private readonly BasicConv2d _b1, _b3_1, _b3_2a, _b3_2b, _d1, _d2, _d3a, _d3b, _pool;

    /// <summary>A block reading <paramref name="inChannels"/>.</summary>
    public InceptionE(long inChannels)
    {
        _b1 = RegisterModule("branch1x1", new BasicConv2d(inChannels, 320, 1));
        _b3_1 = RegisterModule("branch3x3_1", new BasicConv2d(inChannels, 384, 1));
        _b3_2a = RegisterModule("branch3x3_2a", new BasicConv2d(384, 384, [1, 3], 1, [0, 1]));
        _b3_2b = RegisterModule("branch3x3_2b", new BasicConv2d(384, 384, [3, 1], 1, [1, 0]));
        _d1 = RegisterModule("branch3x3dbl_1", new BasicConv2d(inChannels, 448, 1));
        _d2 = RegisterModule("branch3x3dbl_2", new BasicConv2d(448, 384, 3, padding: 1));
        _d3a = RegisterModule("branch3x3dbl_3a", new BasicConv2d(384, 384, [1, 3], 1, [0, 1]));
        _d3b = RegisterModule("branch3x3dbl_3b", new BasicConv2d(384, 384, [3, 1], 1, [1, 0]));
        _pool = RegisterModule("branch_pool", new BasicConv2d(inChannels, 192, 1));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        using var b1 = _b1.Forward(input);
        using var b3in = _b3_1.Forward(input);
        using var b3a = _b3_2a.Forward(b3in);
        using var b3b = _b3_2b.Forward(b3in);
        using var din = _d2.ForwardReleasing(_d1.Forward(input));
        using var da = _d3a.Forward(din);
        using var db = _d3b.Forward(din);
        using var bp = _pool.ForwardReleasing(Functional.AvgPool2d(input, [3, 3], [1, 1], [1, 1]));
        return torch.Cat([b1, b3a, b3b, da, db, bp], 1);
    }
}
