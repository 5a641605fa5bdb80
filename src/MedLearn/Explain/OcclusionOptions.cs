namespace MedLearn.Explain;

/// <summary>Settings of <see cref="OcclusionSensitivity"/>. The defaults are method 4's: a 20 x 20 window of zeros, stride 4.</summary>
public sealed record OcclusionOptions
{
    /// <summary>Window side per spatial axis in input pixels ([h, w] or [d, h, w]); one value applies to every axis.</summary>
    public IReadOnlyList<long> Window { get; init; } = [20];

    /// <summary>Step between window positions per spatial axis; one value applies to every axis. Must be positive.</summary>
    public IReadOnlyList<long> Stride { get; init; } = [4];

    /// <summary>What the window is filled with.</summary>
    public OcclusionFill Fill { get; init; } = OcclusionFill.Zero;

    /// <summary>σ of the <see cref="OcclusionFill.Blur"/> fill in pixels; null = a quarter of the largest window side.</summary>
    public double? BlurSigma { get; init; }

    /// <summary>Class whose probability is tracked; null = the class the model predicts for the unoccluded input.</summary>
    public int? TargetClass { get; init; }

    /// <summary>Occluded copies per forward pass (the cost is about positions / batch forwards).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Restrict the windows to this box; null = the whole input.</summary>
    public RegionOfInterest? Region { get; init; }
}
