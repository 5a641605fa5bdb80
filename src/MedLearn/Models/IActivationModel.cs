using MedLearn.Torch;

namespace MedLearn.Models;

/// <summary>
/// A network that can return named intermediate activations together with its output, for explanation methods
/// such as Grad-CAM (no hooks: the model runs its own forward pass and hands out the tensors it computed).
/// </summary>
/// <remarks>
/// The activations are the very tensors the output was computed from (they stay in the autograd graph), so
/// <c>torch.Autograd.Grad(score, activation)</c> gives d(score)/d(activation). A returned activation is never
/// modified in place by a later layer: when a requested activation feeds an in-place layer (a ReLU after a batch
/// norm), the forward pass continues on a copy.
/// </remarks>
public interface IActivationModel
{
    /// <summary>Spatial dimensions of the input: 2 for images [N, C, H, W], 3 for volumes [N, C, D, H, W].</summary>
    int SpatialDims { get; }

    /// <summary>
    /// The names <see cref="ForwardWithActivations"/> accepts, in forward order (dotted module paths, e.g.
    /// "layer4" or "features.denseblock3"); the last one is the final feature map (the default Grad-CAM layer).
    /// </summary>
    IReadOnlyList<string> ActivationNames { get; }

    /// <summary>
    /// Runs the forward pass on <paramref name="input"/> and returns the output (logits for a classifier) and the
    /// activations named in <paramref name="names"/>, all in the caller's dispose scope.
    /// </summary>
    /// <exception cref="ArgumentException">A name is not one of <see cref="ActivationNames"/> (the message lists them).</exception>
    ActivationOutputs ForwardWithActivations(Tensor input, IReadOnlyCollection<string> names);
}
