using MedLearn.Models.Gmic;

namespace MedLearn.Methods.Gmic;

/// <summary>GMIC's outputs for one image (probabilities per output, the retrieved patches and their attention).</summary>
/// <param name="Path">The image file.</param>
/// <param name="Targets">Target per output (0/1), or null when the image has no label.</param>
/// <param name="Fusion">y_fusion per output (the prediction).</param>
/// <param name="Global">y_global per output.</param>
/// <param name="Local">y_local per output.</param>
/// <param name="Patches">The K windows in selection order.</param>
/// <param name="Attention">The attention weight of each patch.</param>
/// <param name="Localisation">Localisation against the lesion mask (positive images with a non-empty mask), else null.</param>
public sealed record GmicPrediction(string Path, float[]? Targets, float[] Fusion, float[] Global, float[] Local,
    IReadOnlyList<RoiWindow> Patches, float[] Attention, LesionLocalisation.Result? Localisation);
