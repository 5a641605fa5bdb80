using MedLearn.Torch;

namespace MedLearn.Models.Segmentation;

/// <summary>The outputs of a segmentation network: class logits [N, K, D, H, W] and, for a dual-task network, the
/// tanh signed-distance map [N, K − 1, D, H, W] (null otherwise). Both live in the caller's dispose scope.</summary>
public sealed record SegmentationOutput(Tensor Logits, Tensor? Distance);
