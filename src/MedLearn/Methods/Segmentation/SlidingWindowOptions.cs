namespace MedLearn.Methods.Segmentation;

/// <summary>
/// Options of <see cref="SlidingWindowInference"/>; sizes in tensor order [D, H, W]. Defaults are the UG-MCL
/// left-atrium evaluation: patch 80 x 112 x 112 (the paper's 112 x 112 x 80 with z first), stride 4 through-plane and
/// 18 in-plane, constant blending, 1 window per forward.
/// </summary>
public sealed record SlidingWindowOptions
{
    /// <summary>Window size [D, H, W].</summary>
    public int[] PatchSize { get; init; } = [80, 112, 112];

    /// <summary>Step between window origins [D, H, W] (each ≥ 1; ≤ the patch size for full coverage).</summary>
    public int[] Stride { get; init; } = [4, 18, 18];

    /// <summary>How overlapping windows are averaged.</summary>
    public WindowBlending Blending { get; init; } = WindowBlending.Constant;

    /// <summary>Windows stacked into one forward pass.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Throws on invalid values.</summary>
    public void Validate()
    {
        if (PatchSize.Length != 3 || PatchSize.Any(p => p < 1)) throw new ArgumentException($"patch size must be 3 positive sizes [D, H, W], got [{string.Join(", ", PatchSize)}]");
        if (Stride.Length != 3 || Stride.Any(s => s < 1)) throw new ArgumentException($"stride must be 3 positive steps [D, H, W], got [{string.Join(", ", Stride)}]");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "window batch size must be >= 1");
    }
}
