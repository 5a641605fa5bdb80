using MedLearn.Torch;

namespace MedLearn.Models;

/// <summary>
/// A classifier with an auxiliary head used in training (Inception-v3's <c>AuxLogits</c>): the training loss is
/// <c>CE(logits) + <see cref="AuxiliaryLossWeight"/> · CE(auxiliary logits)</c>, as torchvision's reference recipe trains it.
/// </summary>
public interface IAuxiliaryClassifier
{
    /// <summary>Weight of the auxiliary loss (torchvision's recipe: 0.4).</summary>
    double AuxiliaryLossWeight { get; }

    /// <summary>
    /// The logits and, in training mode when the auxiliary head exists, the auxiliary logits (null otherwise), of one
    /// forward pass.
    /// </summary>
    (Tensor Logits, Tensor? AuxiliaryLogits) ForwardWithAuxiliary(Tensor input);
}
