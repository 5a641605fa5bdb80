namespace MedLearn.Explain;

/// <summary>How <see cref="SaliencyOverlay"/> draws a heat map over an image.</summary>
public sealed record OverlayOptions
{
    /// <summary>Weight of the heat-map colour in the blend: overlay = (1 − α)·image + α·colour.</summary>
    public double Alpha { get; init; } = 0.5;

    /// <summary>Map value drawn as the coldest colour; null = 0 (values below are drawn cold).</summary>
    public double? Min { get; init; }

    /// <summary>Map value drawn as the hottest colour; null = the map's maximum (or Min + 1 when that is not above Min).</summary>
    public double? Max { get; init; }

    /// <summary>Integer upscaling of the image panels (nearest neighbour); null = enough for a longer side of at least 160 pixels, at most 8.</summary>
    public int? Scale { get; init; }
}
