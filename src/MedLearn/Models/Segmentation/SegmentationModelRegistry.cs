namespace MedLearn.Models.Segmentation;

/// <summary>
/// The 3-D segmentation networks by name: <c>dual-vnet</c> (UG-MCL's dual-task V-Net: segmentation + signed-distance
/// heads) and <c>vnet</c> (the same V-Net with the segmentation head only, the supervised / mean-teacher baseline).
/// </summary>
public static class SegmentationModelRegistry
{
    /// <summary>The registered names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["dual-vnet", "vnet"];

    /// <summary>A freshly initialised network <paramref name="name"/> (case-insensitive) shaped by <paramref name="options"/> (its DistanceHead is set by the name).</summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists the known ones).</exception>
    public static VNet Create(string name, VNetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var o = options ?? new VNetOptions();
        return name.ToLowerInvariant() switch
        {
            "dual-vnet" => new VNet(o with { DistanceHead = true }),
            "vnet" => new VNet(o with { DistanceHead = false }),
            _ => throw new ArgumentException($"unknown segmentation model '{name}'; known: {string.Join(", ", Names)}", nameof(name)),
        };
    }
}
