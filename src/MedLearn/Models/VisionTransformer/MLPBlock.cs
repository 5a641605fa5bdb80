using MedLearn.Torch;
using MedLearn.Torch.Nn;

namespace MedLearn.Models;

/// <summary>
/// torchvision's transformer MLP (MLPBlock / torchvision.ops.MLP with GELU): 0 Linear(in→hidden), 1 GELU, 2 Dropout,
/// 3 Linear(hidden→in), 4 Dropout, as a <see cref="Sequential"/> so the keys are <c>mlp.0.weight</c>, <c>mlp.3.bias</c>.
/// Weights xavier_uniform, biases normal(std 1e-6), as torchvision initialises ViT and Swin MLPs.
/// </summary>
public static class MLPBlock
{
    /// <summary>The MLP <paramref name="inDim"/> → <paramref name="hiddenDim"/> → <paramref name="inDim"/>.</summary>
    public static Sequential Create(long inDim, long hiddenDim, double dropout)
    {
        var fc1 = new Linear(inDim, hiddenDim);
        var fc2 = new Linear(hiddenDim, inDim);
        using (GradMode.NoGrad())
        {
            foreach (var l in new[] { fc1, fc2 })
            {
                Init.XavierUniform_(l.Weight);
                Init.Normal_(l.Bias!, std: 1e-6);
            }
        }
        return new Sequential(fc1, new GELU(), new Dropout(dropout), fc2, new Dropout(dropout));
    }
}
