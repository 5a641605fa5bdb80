using MedLearn.Torch;

namespace MedLearn.Methods.Segmentation;

/// <summary>The loss terms of one UG-MCL batch (tensors in the caller's dispose scope; null = term not used).</summary>
/// <param name="Total">L_sup + λ(t) · (L_intra + L_cross), the tensor to back-propagate.</param>
/// <param name="Supervised">L_sup = w_seg · (CE + Dice) + w_sdf · MSE on the labeled part.</param>
/// <param name="CrossEntropy">CE of the labeled part.</param>
/// <param name="Dice">Soft Dice loss of the labeled part.</param>
/// <param name="DistanceMse">MSE of the distance head against the ground-truth SDF.</param>
/// <param name="Intra">Masked intra-task (student vs teacher) consistency on the unlabeled part.</param>
/// <param name="Cross">Cross-task consistency over the whole batch.</param>
/// <param name="Lambda">λ(t).</param>
/// <param name="Threshold">H(t), when the uncertainty mask is used.</param>
/// <param name="CertainFraction">Fraction of unlabeled voxels under the threshold (the mask's mean).</param>
public sealed record UgMclLossTerms(Tensor Total, Tensor Supervised, Tensor? CrossEntropy, Tensor? Dice, Tensor? DistanceMse,
    Tensor? Intra, Tensor? Cross, double Lambda, double? Threshold, Tensor? CertainFraction);
