using MedLearn.Models.Gmic;
using MedLearn.Runs;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// gmic.json in a GMIC run folder: everything needed to rebuild the exported model (gmic.pt, a PyTorch-loadable
/// state dict with the authors' parameter names) and to preprocess images for it.
/// </summary>
/// <param name="Outputs">Output (class) names, in order.</param>
/// <param name="ImageHeight">Network input height.</param>
/// <param name="ImageWidth">Network input width.</param>
/// <param name="TopTPercent">t of the top-t% aggregation.</param>
/// <param name="Patches">K.</param>
/// <param name="CropSize">Patch size in input pixels.</param>
/// <param name="Preprocessing">The preprocessing profile (resize or screening, see <see cref="GmicPreprocessing"/>).</param>
/// <param name="Seed">The run's seed.</param>
public sealed record GmicManifest(IReadOnlyList<string> Outputs, int ImageHeight, int ImageWidth, double TopTPercent, int Patches, int CropSize,
    string Preprocessing, ulong Seed)
{
    /// <summary>Single-label runs: the negative class of the training data (null in runs written before it was recorded: "0").</summary>
    public string? NegativeClass { get; init; }

    /// <summary>Multi-label runs: the manifest's target columns (the outputs); null for single-label runs.</summary>
    public IReadOnlyList<string>? TargetColumns { get; init; }

    /// <summary>How labels of new data become targets for this model.</summary>
    public GmicLabelScheme LabelScheme => TargetColumns is { Count: > 0 } t ? GmicLabelScheme.MultiLabel(t) : new GmicLabelScheme(Outputs, NegativeClass ?? "0");

    /// <summary>The manifest's file name in a run folder.</summary>
    public const string FileName = "gmic.json";

    /// <summary>The exported weights' file name in a run folder.</summary>
    public const string WeightsFileName = "gmic.pt";

    /// <summary>The architecture settings.</summary>
    public GmicOptions ModelOptions => new(Outputs.Count, TopTPercent, Patches, CropSize, CropSize);

    /// <summary>Whether <paramref name="runDirectory"/> holds a GMIC model.</summary>
    public static bool IsGmicRun(string runDirectory) => File.Exists(Path.Combine(runDirectory, FileName));

    /// <summary>Writes the manifest atomically to <paramref name="path"/>.</summary>
    public void Write(string path) => MetricsFile.Write(path, this);

    /// <summary>Reads a manifest (the error names the file).</summary>
    public static GmicManifest Read(string path) => MetricsFile.Read<GmicManifest>(path);
}
