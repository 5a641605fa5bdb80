namespace MedLearn.Server.Inference;

/// <summary>What a served run does, which decides how predict and explain answer.</summary>
internal enum ServedKind
{
    /// <summary>A classifier of <c>train classify</c> / <c>train semi</c>: softmax probabilities, Grad-CAM or occlusion.</summary>
    Classification,

    /// <summary>A GMIC run of <c>train gmic</c>: per-output probabilities, GMIC's own saliency maps and retrieved patches.</summary>
    Gmic,

    /// <summary>A segmentation run of <c>train segment</c>: a label volume (NIfTI) and per-label volumes.</summary>
    Segmentation,
}
