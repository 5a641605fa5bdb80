namespace MedLearn.Explain;

/// <summary>What an occluded (or, in the deletion test, removed) region is replaced with.</summary>
/// <remarks>
/// Values are in the space of the tensor given to the explainer, i.e. the model input after normalisation: there
/// <see cref="Zero"/> is the normalisation mean (ImageNet's mean colour for ImageNet models), the "blank" window of
/// the original occlusion test.
/// </remarks>
public enum OcclusionFill
{
    /// <summary>0 in every channel (method 4's default).</summary>
    Zero,

    /// <summary>The image's own per-channel mean over all pixels.</summary>
    Mean,

    /// <summary>
    /// The image blurred with a Gaussian of standard deviation σ (<see cref="OcclusionOptions.BlurSigma"/>): removes the
    /// detail inside the window while keeping its local intensity, so the window is less of an out-of-distribution edge.
    /// </summary>
    Blur,
}
