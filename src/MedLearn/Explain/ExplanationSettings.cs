namespace MedLearn.Explain;

/// <summary>What <see cref="RunExplainer.Explain(string, ExplanationSettings, IProgress{ExplainProgress}, CancellationToken)"/> computes for each image.</summary>
public sealed record ExplanationSettings
{
    /// <summary>The method.</summary>
    public ExplainMethod Method { get; init; } = ExplainMethod.GradCam;

    /// <summary>Occlusion settings (window, stride, fill, batch, region); its target class is ignored (see <see cref="ClassName"/>).</summary>
    public OcclusionOptions Occlusion { get; init; } = new();

    /// <summary>Grad-CAM layer; null = the model's last feature map.</summary>
    public string? Layer { get; init; }

    /// <summary>Class to explain by name; null = the predicted class.</summary>
    public string? ClassName { get; init; }

    /// <summary>Steps of the deletion curve (0 = no faithfulness check). Deleted pixels are filled like the occlusion window.</summary>
    public int DeletionSteps { get; init; } = 20;

    /// <summary>How the overlay picture is drawn.</summary>
    public OverlayOptions Overlay { get; init; } = new();
}
