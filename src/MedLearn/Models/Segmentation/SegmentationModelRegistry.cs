namespace MedLearn.Models.Segmentation;

/// <summary>
/// The 3-D segmentation networks by name: <c>dual-vnet</c> (UG-MCL's dual-task V-Net: segmentation + signed-distance
/// heads), <c>vnet</c> (the same V-Net with the segmentation head only, the supervised / mean-teacher baseline) and
/// <c>unet3d</c> (<see cref="UNet3d"/>, Çiçek et al.'s 3-D U-Net, a second supervised / mean-teacher baseline).
/// </summary>
public static class SegmentationModelRegistry
{
    /// <summary>Registry name of <see cref="UNet3d"/>.</summary>
    public const string UNet3dName = "unet3d";

    /// <summary>The registered names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["dual-vnet", "vnet", UNet3dName];

    /// <summary>A freshly initialised V-Net <paramref name="name"/> (case-insensitive) shaped by <paramref name="options"/> (its DistanceHead is set by the name).</summary>
    /// <exception cref="ArgumentException">Unknown or non-V-Net name (the message lists the known ones).</exception>
    public static VNet Create(string name, VNetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var o = options ?? new VNetOptions();
        return name.ToLowerInvariant() switch
        {
            "dual-vnet" => new VNet(o with { DistanceHead = true }),
            "vnet" => new VNet(o with { DistanceHead = false }),
            _ => throw new ArgumentException($"unknown V-Net '{name}'; known segmentation models: {string.Join(", ", Names)}", nameof(name)),
        };
    }

    /// <summary>
    /// A freshly initialised network <paramref name="name"/> (case-insensitive): the V-Nets shaped by <paramref name="vnet"/>,
    /// <c>unet3d</c> by <paramref name="unet"/> (defaults when null).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists the known ones).</exception>
    public static SegmentationNetwork Create(string name, VNetOptions? vnet, UNet3dOptions? unet)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToLowerInvariant() == UNet3dName ? new UNet3d(unet) : Create(name, vnet);
    }
}
