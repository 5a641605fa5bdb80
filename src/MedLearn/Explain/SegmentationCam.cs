using MedLearn.Torch;

namespace MedLearn.Explain;

/// <summary>The result of <see cref="SegmentationGradCam.Compute"/>; <see cref="Map"/> lives in the caller's dispose scope.</summary>
/// <param name="Map">The class-activation volume [D, H, W] in [0, 1] at the input's size (all zeros when <paramref name="AllZero"/>).</param>
/// <param name="TargetClass">The explained class c.</param>
/// <param name="Layer">The explained activation.</param>
/// <param name="MaskVoxels">Voxels predicted as c (argmax of the logits): the region whose logits make the score.</param>
/// <param name="Score">The score Σ_{v: argmax = c} logit_c(v).</param>
/// <param name="AllZero">No voxel is predicted as c, or no positive evidence at this layer: the map is all zeros.</param>
public sealed record SegmentationCam(Tensor Map, int TargetClass, string Layer, long MaskVoxels, double Score, bool AllZero);
