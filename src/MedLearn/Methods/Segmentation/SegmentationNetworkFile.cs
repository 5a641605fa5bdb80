using MedLearn.Models.Segmentation;
using MedLearn.Runs;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// The run folder's <c>network.json</c>: what rebuilds the trained network for prediction. A V-Net run stores its
/// <see cref="VNetOptions"/> as the whole object (the original format, still read); a 3-D U-Net run stores
/// <c>{"model": "unet3d", "unet3d": {UNet3dOptions}}</c>.
/// </summary>
public static class SegmentationNetworkFile
{
    private sealed record UNet3dEntry(string Model, UNet3dOptions Unet3d);

    private sealed record Tag(string? Model);

    /// <summary>Writes the description of <paramref name="network"/> to <paramref name="path"/> (atomic).</summary>
    public static void Write(string path, SegmentationNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        switch (network)
        {
            case VNet v: MetricsFile.Write(path, v.Options); break;
            case UNet3d u: MetricsFile.Write(path, new UNet3dEntry(SegmentationModelRegistry.UNet3dName, u.Options)); break;
            default: throw new ArgumentException($"no network.json form for {network.GetType().Name}", nameof(network));
        }
    }

    /// <summary>A freshly initialised network of the architecture and options described in <paramref name="path"/>.</summary>
    /// <exception cref="RunFileException">The file is missing, unreadable or names an unknown model.</exception>
    public static SegmentationNetwork Create(string path)
    {
        var tag = MetricsFile.Read<Tag>(path);
        try
        {
            return tag.Model switch
            {
                null => new VNet(MetricsFile.Read<VNetOptions>(path)),
                SegmentationModelRegistry.UNet3dName => new UNet3d(MetricsFile.Read<UNet3dEntry>(path).Unet3d
                    ?? throw new RunFileException(Path.GetFullPath(path), $"{Path.GetFullPath(path)}: 'unet3d' options missing")),
                var m => throw new RunFileException(Path.GetFullPath(path), $"{Path.GetFullPath(path)}: unknown model '{m}' (known: {string.Join(", ", SegmentationModelRegistry.Names)})"),
            };
        }
        catch (ArgumentException e)
        {
            throw new RunFileException(Path.GetFullPath(path), $"{Path.GetFullPath(path)}: invalid network options: {e.Message}", e);
        }
    }
}
