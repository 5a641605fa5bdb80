using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models.Gmic;

/// <summary>
/// Gated-attention multiple-instance pooling (Ilse et al. 2018), as GMIC uses it over its K patch features
/// h_k (L = 512): <c>s_k = w^T (tanh(V h_k) * sigmoid(U h_k))</c>, <c>a = softmax_k(s)</c>,
/// <c>z = sum_k a_k h_k</c>. V, U (L -&gt; M = 128) and w (M -&gt; 1) are bias-free linear layers; the layers live
/// on <see cref="GmicModel"/> under the authors' names (mil_attn_V, mil_attn_U, mil_attn_w).
/// </summary>
public static class GatedAttention
{
    /// <summary>z [N, L] and the attention weights a [N, K] of patch features [N, K, L].</summary>
    public static (Tensor Z, Tensor Attention) Forward(Tensor features, Linear v, Linear u, Linear w)
    {
        if (features.Dim != 3) throw new ArgumentException($"expected patch features [N, K, L], got [{string.Join(", ", features.Shape)}]", nameof(features));
        var shape = features.Shape;
        var flat = features.Reshape(shape[0] * shape[1], shape[2]);
        var gated = u.Forward(flat).Sigmoid() * v.Forward(flat).Tanh();
        var scores = w.Forward(gated).View(shape[0], shape[1]);
        var attention = Functional.Softmax(scores, 1);
        var z = (attention.Unsqueeze(-1) * features).Sum(1);
        return (z, attention);
    }
}
