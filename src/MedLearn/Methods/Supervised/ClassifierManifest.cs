using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedLearn.Methods.Supervised;

/// <summary>
/// What is needed to run an exported classifier (<c>model.json</c> beside <c>model.pt</c> in a run folder): the
/// architecture, class names in output order, input channels and size, and the evaluation preprocessing.
/// </summary>
/// <param name="Architecture">Model registry name.</param>
/// <param name="Classes">Class names, index = output position.</param>
/// <param name="InChannels">Channels the network expects (1 or 3).</param>
/// <param name="ImageSize">Square input size of the network.</param>
/// <param name="ResizeSize">Shorter-side resize before the centre crop.</param>
/// <param name="Mean">Normalisation mean per channel.</param>
/// <param name="Std">Normalisation standard deviation per channel.</param>
/// <param name="Seed">Seed of the run that produced the weights.</param>
public sealed record ClassifierManifest(string Architecture, IReadOnlyList<string> Classes, int InChannels, int ImageSize, int ResizeSize,
    IReadOnlyList<double> Mean, IReadOnlyList<double> Std, ulong Seed)
{
    /// <summary>The classes are ordered stages (<c>ordinal</c> setting), in <see cref="Classes"/> order, lowest first; false in older files.</summary>
    public bool Ordinal { get; init; }

    /// <summary>Architecture options the network was built with (small-cnn width, depth, dropout), or null for the defaults (older files).</summary>
    public Models.ModelOptions? ModelOptions { get; init; }

    /// <summary>Whether the run or evaluation folder <paramref name="folder"/> (or, for an evaluation folder, its run) holds an ordinal model.</summary>
    public static bool IsOrdinal(string folder)
    {
        foreach (var candidate in new[] { folder, Path.GetDirectoryName(Path.GetDirectoryName(folder)) })
            if (candidate is not null && File.Exists(Path.Combine(candidate, FileName)))
            {
                try { return Read(Path.Combine(candidate, FileName)).Ordinal; }
                catch (InvalidDataException) { return false; }
            }
        return false;
    }

    /// <summary>File name in a run folder.</summary>
    public const string FileName = "model.json";

    /// <summary>File name of the exported weights (a plain PyTorch state dict).</summary>
    public const string WeightsFileName = "model.pt";

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Writes the manifest atomically.</summary>
    public void Write(string path) => AtomicText.Write(path, JsonSerializer.Serialize(this, s_json));

    /// <summary>Reads a manifest, naming the file in any error.</summary>
    /// <exception cref="InvalidDataException">Missing or malformed.</exception>
    public static ClassifierManifest Read(string path)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: not found (a run folder holds {FileName} once training finished)");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses manifest JSON (e.g. the copy an exported ONNX file carries), naming <paramref name="source"/> in any error.</summary>
    /// <exception cref="InvalidDataException">Malformed or empty.</exception>
    public static ClassifierManifest Parse(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<ClassifierManifest>(json, s_json)
                ?? throw new InvalidDataException($"{source}: empty model manifest");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: malformed model manifest: {e.Message}", e);
        }
    }
}
