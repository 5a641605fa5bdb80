using MedLearn.Metrics.Segmentation;

namespace MedLearn.Methods.Segmentation;

/// <summary>The metrics of one evaluated volume.</summary>
/// <param name="Case">Case name (the image file name without extension).</param>
/// <param name="Metrics">Dice, Jaccard and surface distances (mm and voxels) with the empty-mask rule applied.</param>
public sealed record SegmentationCaseResult(string Case, SegmentationCaseMetrics Metrics);
