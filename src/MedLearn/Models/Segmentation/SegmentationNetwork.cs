using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Segmentation;

/// <summary>
/// A 3-D segmentation network the segmentation trainer, sliding-window inference and 3-D Grad-CAM work with
/// (<see cref="VNet"/>, <see cref="UNet3d"/>): volumes [N, C, D, H, W] → class logits [N, K, D, H, W] and, for a
/// dual-task network, a tanh signed-distance map; named block outputs for Grad-CAM.
/// </summary>
public abstract class SegmentationNetwork : Module<Tensor, Tensor>, IActivationModel
{
    /// <summary>Segmentation classes including background (K).</summary>
    public abstract long Classes { get; }

    /// <summary>Input channels (modalities).</summary>
    public abstract long InChannels { get; }

    /// <summary>True when the network has a signed-distance head.</summary>
    public abstract bool HasDistanceHead { get; }

    /// <summary>Every spatial size of an input must be a multiple of this (2^depth).</summary>
    public abstract long SizeMultiple { get; }

    /// <summary>The registry name of the architecture (<see cref="SegmentationModelRegistry"/>).</summary>
    public abstract string ArchitectureName { get; }

    /// <inheritdoc/>
    public int SpatialDims => 3;

    /// <inheritdoc/>
    public abstract IReadOnlyList<string> ActivationNames { get; }

    /// <summary>Segmentation logits [N, Classes, D, H, W].</summary>
    public override Tensor Forward(Tensor input) => ForwardBoth(input).Logits;

    /// <summary>Segmentation logits and, for a dual-task network, the tanh signed-distance map.</summary>
    public abstract SegmentationOutput ForwardBoth(Tensor input);

    /// <inheritdoc/>
    public abstract ActivationOutputs ForwardWithActivations(Tensor input, IReadOnlyCollection<string> names);

    /// <summary>A new, freshly initialised network of the same architecture and options (e.g. the EMA teacher before it copies the weights).</summary>
    public abstract SegmentationNetwork CreateSibling();

    /// <summary>Throws unless <paramref name="input"/> is [N, InChannels, D, H, W] with sizes divisible by <see cref="SizeMultiple"/>.</summary>
    protected void CheckInput(Tensor input, string what)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim != 5 || input.Size(1) != InChannels)
            throw new ArgumentException($"{what} expects input [N, {InChannels}, D, H, W], got [{string.Join(", ", input.Shape)}]", nameof(input));
        for (var a = 2; a < 5; a++)
            if (input.Size(a) % SizeMultiple != 0)
                throw new ArgumentException($"{what} input spatial size [{string.Join(", ", input.Shape[2..])}] must be divisible by {SizeMultiple} (2^depth); pad or crop the volume", nameof(input));
    }
}
