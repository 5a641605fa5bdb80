using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// A module whose forward pass applies some of its <see cref="BatchNorm2d"/> children directly to the output of a
/// <see cref="Conv2d"/> child (nothing in between, and the convolution's output used nowhere else), so
/// <see cref="ConvBatchNormFolding"/> can fold each such pair into one convolution with a bias. Modules keep
/// references to their layers in fields, so replacing a registered child must also update the field the forward
/// pass reads: that is <see cref="ReplaceLayer"/>'s job.
/// </summary>
public interface IConvBatchNormFoldable
{
    /// <summary>Direct-child names (convolution, batch norm) of the pairs in which the batch norm directly follows the convolution.</summary>
    IReadOnlyList<(string Conv, string BatchNorm)> ConvBatchNormPairs { get; }

    /// <summary>Replaces the direct child <paramref name="name"/> (one named in <see cref="ConvBatchNormPairs"/>) by
    /// <paramref name="replacement"/>, both as registered child and in the forward pass; the old one is disposed.</summary>
    void ReplaceLayer(string name, Module<Tensor, Tensor> replacement);
}
