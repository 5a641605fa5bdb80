namespace MedLearn.Explain;

/// <summary>Settings of the deletion test (<see cref="Faithfulness.Deletion(Func{MedLearn.Torch.Tensor, MedLearn.Torch.Tensor}, MedLearn.Torch.Tensor, MedLearn.Torch.Tensor, int, DeletionOptions?)"/>).</summary>
public sealed record DeletionOptions
{
    /// <summary>Number of deletion steps k: step i removes the ⌊i·P/k⌉ most salient of the P pixels (i = 0 .. k).</summary>
    public int Steps { get; init; } = 20;

    /// <summary>What removed pixels are replaced with (as in occlusion).</summary>
    public OcclusionFill Fill { get; init; } = OcclusionFill.Zero;

    /// <summary>σ of the <see cref="OcclusionFill.Blur"/> fill in pixels; null = 5.</summary>
    public double? BlurSigma { get; init; }

    /// <summary>Deleted copies per forward pass.</summary>
    public int BatchSize { get; init; } = 32;
}
