using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Segmentation;

/// <summary>
/// V-Net building blocks with the reference code's module names (<c>conv.0</c>, <c>conv.1</c>, ...), so state dicts
/// load in the authors' PyTorch V-Net: a stack of 3x3x3 conv (+ BN) + ReLU stages, a 2x2x2 stride-2 down-sampling
/// conv (+ BN) + ReLU, or a 2x2x2 stride-2 up-sampling transposed conv (+ BN) + ReLU.
/// </summary>
public sealed class VNetBlock : Module<Tensor, Tensor>
{
    private readonly Sequential _conv;

    private VNetBlock(Sequential conv) => _conv = RegisterModule("conv", conv);

    /// <summary><paramref name="stages"/> × (3x3x3 conv, padding 1 [+ BN] + ReLU), the first from <paramref name="inChannels"/>.</summary>
    public static VNetBlock Convolutions(int stages, long inChannels, long outChannels, bool batchNorm)
    {
        var seq = new Sequential();
        for (var i = 0; i < stages; i++)
        {
            seq.Append(new Conv3d(i == 0 ? inChannels : outChannels, outChannels, 3, padding: 1));
            Finish(seq, outChannels, batchNorm);
        }
        return new VNetBlock(seq);
    }

    /// <summary>2x2x2 stride-2 convolution [+ BN] + ReLU (halves every spatial size).</summary>
    public static VNetBlock Down(long inChannels, long outChannels, bool batchNorm)
    {
        var seq = new Sequential();
        seq.Append(new Conv3d(inChannels, outChannels, 2, stride: 2));
        return new VNetBlock(Finish(seq, outChannels, batchNorm));
    }

    /// <summary>2x2x2 stride-2 transposed convolution [+ BN] + ReLU (doubles every spatial size).</summary>
    public static VNetBlock Up(long inChannels, long outChannels, bool batchNorm, bool depthToSpace)
    {
        var seq = new Sequential();
        seq.Append(new DepthToSpaceConvTranspose3d(inChannels, outChannels, 2) { UsePlainTransposedConvolution = !depthToSpace });
        return new VNetBlock(Finish(seq, outChannels, batchNorm));
    }

    private static Sequential Finish(Sequential seq, long channels, bool batchNorm)
    {
        if (batchNorm) seq.Append(new BatchNorm3d(channels));
        seq.Append(new ReLU(inplace: true));
        return seq;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => _conv.Forward(input);
}
