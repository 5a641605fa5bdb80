namespace MedLearn.Methods.Segmentation;

/// <summary>The semi-supervised segmentation methods (<c>--method</c>).</summary>
public enum SegmentationMethod
{
    /// <summary>Labeled volumes only: the supervised loss, no teacher, no consistency.</summary>
    Supervised,
    /// <summary>Mean teacher: supervised loss + unmasked student/teacher consistency (no uncertainty, no distance head).</summary>
    MeanTeacher,
    /// <summary>UG-MCL: dual-task network, uncertainty-masked intra-task and cross-task consistency.</summary>
    UgMcl,
}
