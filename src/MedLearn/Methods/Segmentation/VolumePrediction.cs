using MedLearn.Torch;

namespace MedLearn.Methods.Segmentation;

/// <summary>The segmentation of one volume (tensors in the caller's dispose scope).</summary>
/// <param name="Labels">uint8 [1, D, H, W]: argmax class per voxel (after the optional largest-component step).</param>
/// <param name="Probabilities">float32 [K, D, H, W]: the blended class probabilities.</param>
/// <param name="Uncertainty">float32 [1, D, H, W]: predictive entropy −Σ_c p_c ln(p_c + 1e-6) of the blended probabilities.</param>
public sealed record VolumePrediction(Tensor Labels, Tensor Probabilities, Tensor Uncertainty);
