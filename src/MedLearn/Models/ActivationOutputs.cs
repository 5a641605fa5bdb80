using MedLearn.Torch;

namespace MedLearn.Models;

/// <summary>The result of <see cref="IActivationModel.ForwardWithActivations"/>.</summary>
/// <param name="Output">The model's output (logits [N, classes] for a classifier, the feature map for a trunk).</param>
/// <param name="Activations">The requested intermediate tensors by name (in the autograd graph of <paramref name="Output"/>).</param>
public sealed record ActivationOutputs(Tensor Output, IReadOnlyDictionary<string, Tensor> Activations);
