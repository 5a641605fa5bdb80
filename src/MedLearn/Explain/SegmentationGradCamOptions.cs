namespace MedLearn.Explain;

/// <summary>Settings of <see cref="SegmentationGradCam"/>.</summary>
public sealed record SegmentationGradCamOptions
{
    /// <summary>The activation to explain (null = the network's last block, its final feature map).</summary>
    public string? Layer { get; init; }

    /// <summary>The target class c (default 1, the first foreground class).</summary>
    public int TargetClass { get; init; } = 1;

    /// <summary>Grad-CAM (default) or Grad-CAM++ channel weights.</summary>
    public CamMethod Method { get; init; } = CamMethod.GradCam;
}
