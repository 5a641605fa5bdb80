using MedLearn.Torch;

namespace MedLearn.Models.Gmic;

/// <summary>
/// Everything one GMIC forward pass produces. Tensors belong to the caller's dispose scope.
/// </summary>
/// <param name="Saliency">Class saliency maps A [N, C, h, w], in (0, 1).</param>
/// <param name="Global">y_global [N, C]: top-t% pooled saliency (a probability).</param>
/// <param name="LocalLogits">Logits of y_local [N, C] (W_cls z, before the sigmoid).</param>
/// <param name="FusionLogits">Logits of y_fusion [N, C] (W_f [g; z] + b_f, before the sigmoid).</param>
/// <param name="Attention">Patch attention weights a [N, K] (each row sums to 1).</param>
/// <param name="Windows">The K retrieved windows per image, in selection order.</param>
public sealed record GmicOutput(
    Tensor Saliency,
    Tensor Global,
    Tensor LocalLogits,
    Tensor FusionLogits,
    Tensor Attention,
    RoiWindow[][] Windows)
{
    /// <summary>y_local = sigmoid(<see cref="LocalLogits"/>).</summary>
    public Tensor Local => LocalLogits.Sigmoid();

    /// <summary>y_fusion = sigmoid(<see cref="FusionLogits"/>): GMIC's prediction.</summary>
    public Tensor Fusion => FusionLogits.Sigmoid();
}
