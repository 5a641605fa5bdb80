using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Blocks;

/// <summary>
/// torchvision.ops.misc.Conv2dNormActivation: a <see cref="Sequential"/> of "0" Conv2d (no bias; padding
/// (k − 1)/2·dilation), "1" BatchNorm2d and, when given, "2" the activation. Consecutive conv/batch-norm children of a
/// Sequential fold for inference (<see cref="ConvBatchNormFolding"/>).
/// </summary>
public static class ConvNormActivation
{
    /// <summary>The block from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Square kernel side.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="groups">Convolution groups (= channels for a depthwise convolution).</param>
    /// <param name="activation">The activation module ("2"), or null for none.</param>
    /// <param name="eps">Batch-norm epsilon (torchvision: 1e-5; EfficientNet-V2 1e-3, MobileNetV3 1e-3).</param>
    /// <param name="momentum">Batch-norm momentum (MobileNetV3: 0.01).</param>
    /// <param name="dilation">Convolution dilation.</param>
    public static Sequential Create(long inChannels, long outChannels, long kernelSize, long stride = 1, long groups = 1,
        Module<Tensor, Tensor>? activation = null, double eps = 1e-5, double momentum = 0.1, long dilation = 1)
    {
        var block = new Sequential(
            new Conv2d(inChannels, outChannels, kernelSize, stride: stride, padding: (kernelSize - 1) / 2 * dilation, dilation: dilation,
                groups: groups, bias: false),
            new BatchNorm2d(outChannels, eps: eps, momentum: momentum));
        if (activation is not null) block.Append(activation);
        return block;
    }
}
