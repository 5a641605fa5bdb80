using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Segmentation;

/// <summary>
/// Two (3x3x3 conv, padding 1 [+ norm] + ReLU) stages, registered as <c>double_conv.0</c> ... (the module names of the
/// common PyTorch U-Net, milesial/Pytorch-UNet's <c>DoubleConv</c>, in 3-D). The convolutions have no bias when a norm follows.
/// </summary>
public sealed class UNet3dDoubleConv : Module<Tensor, Tensor>
{
    private readonly Sequential _conv;

    /// <summary>From <paramref name="inChannels"/> to <paramref name="outChannels"/> channels with <paramref name="norm"/>.</summary>
    public UNet3dDoubleConv(long inChannels, long outChannels, UNet3dNorm norm)
    {
        var seq = new Sequential();
        for (var i = 0; i < 2; i++)
        {
            seq.Append(new Conv3d(i == 0 ? inChannels : outChannels, outChannels, 3, padding: 1, bias: norm == UNet3dNorm.None));
            if (norm == UNet3dNorm.Batch) seq.Append(new BatchNorm3d(outChannels));
            else if (norm == UNet3dNorm.Instance) seq.Append(new InstanceNorm3d(outChannels));
            seq.Append(new ReLU(inplace: true));
        }
        _conv = RegisterModule("double_conv", seq);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => _conv.Forward(input);
}

/// <summary>A 2x2x2 max pool then a <see cref="UNet3dDoubleConv"/>, registered as <c>maxpool_conv.0</c>, <c>maxpool_conv.1</c>.</summary>
public sealed class UNet3dDown : Module<Tensor, Tensor>
{
    private readonly Sequential _seq;

    /// <summary>Halves every spatial size and maps <paramref name="inChannels"/> to <paramref name="outChannels"/>.</summary>
    public UNet3dDown(long inChannels, long outChannels, UNet3dNorm norm) =>
        _seq = RegisterModule("maxpool_conv", new Sequential(new MaxPool3d([2]), new UNet3dDoubleConv(inChannels, outChannels, norm)));

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => _seq.Forward(input);
}

/// <summary>
/// Up-sampling step: <c>up</c> = 2x2x2 stride-2 transposed convolution (C → C/2; computed by
/// <see cref="DepthToSpaceConvTranspose3d"/>), concatenation [skip, up(x)] along channels, then <c>conv</c> =
/// <see cref="UNet3dDoubleConv"/>(C → C/2).
/// </summary>
public sealed class UNet3dUp : Module
{
    private readonly DepthToSpaceConvTranspose3d _up;
    private readonly UNet3dDoubleConv _conv;

    /// <summary>From <paramref name="inChannels"/> (the deeper level) to <paramref name="inChannels"/>/2.</summary>
    public UNet3dUp(long inChannels, UNet3dNorm norm, bool depthToSpace)
    {
        _up = RegisterModule("up", new DepthToSpaceConvTranspose3d(inChannels, inChannels / 2, 2) { UsePlainTransposedConvolution = !depthToSpace });
        _conv = RegisterModule("conv", new UNet3dDoubleConv(inChannels, inChannels / 2, norm));
    }

    /// <summary>conv(cat([skip, up(x)], 1)).</summary>
    public Tensor Forward(Tensor x, Tensor skip)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(skip);
        using var scope = DisposeScope.Open();
        var y = _conv.Forward(torch.Cat([skip, _up.Forward(x)], 1));
        return scope.MoveToOuter(y);
    }
}
