using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Inception;

/// <summary>torchvision's InceptionA (Mixed_5b/c/d): 1x1 | 1x1→5x5 | 1x1→3x3→3x3 | avgpool 3x3/1→1x1, concatenated.</summary>
public sealed class InceptionA : Module<Tensor, Tensor>
{
    private readonly BasicConv2d _b1, _b5_1, _b5_2, _b3_1, _b3_2, _b3_3, _pool;

    /// <summary>A block reading <paramref name="inChannels"/>, with <paramref name="poolFeatures"/> pool-branch channels.</summary>
    public InceptionA(long inChannels, long poolFeatures)
    {
        _b1 = RegisterModule("branch1x1", new BasicConv2d(inChannels, 64, 1));
        _b5_1 = RegisterModule("branch5x5_1", new BasicConv2d(inChannels, 48, 1));
        _b5_2 = RegisterModule("branch5x5_2", new BasicConv2d(48, 64, 5, padding: 2));
        _b3_1 = RegisterModule("branch3x3dbl_1", new BasicConv2d(inChannels, 64, 1));
        _b3_2 = RegisterModule("branch3x3dbl_2", new BasicConv2d(64, 96, 3, padding: 1));
        _b3_3 = RegisterModule("branch3x3dbl_3", new BasicConv2d(96, 96, 3, padding: 1));
        _pool = RegisterModule("branch_pool", new BasicConv2d(inChannels, poolFeatures, 1));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        using var b1 = _b1.Forward(input);
        using var b5 = _b5_2.ForwardReleasing(_b5_1.Forward(input));
        using var b3 = _b3_3.ForwardReleasing(_b3_2.ForwardReleasing(_b3_1.Forward(input)));
        using var bp = _pool.ForwardReleasing(Functional.AvgPool2d(input, [3, 3], [1, 1], [1, 1]));
        return torch.Cat([b1, b5, b3, bp], 1);
    }
}
