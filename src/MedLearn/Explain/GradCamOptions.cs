namespace MedLearn.Explain;

/// <summary>Settings of <see cref="GradCam"/>.</summary>
public sealed record GradCamOptions
{
    /// <summary>Grad-CAM or Grad-CAM++.</summary>
    public CamMethod Method { get; init; } = CamMethod.GradCam;

    /// <summary>
    /// The layer (one of the model's <see cref="Models.IActivationModel.ActivationNames"/>); null = the last one, the
    /// final feature map (layer4 for ResNet, relu for DenseNet, features.relu3 for SmallCnn).
    /// </summary>
    public string? Layer { get; init; }

    /// <summary>Class to explain; null = the predicted class.</summary>
    public int? TargetClass { get; init; }
}
