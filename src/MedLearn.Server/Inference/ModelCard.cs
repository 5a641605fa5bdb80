using System.Text.Json;
using System.Text.Json.Nodes;
using MedLearn.Methods.Supervised;

namespace MedLearn.Server.Inference;

/// <summary>
/// The model card of a served run: what the network is (model.json: architecture, classes, input size, normalisation),
/// when and by which MedLearn version it was trained (run.json), and how it did (metrics.json: the split sizes and the
/// held-out metrics with their confidence intervals). Absolute file-system paths are removed from every string, so
/// the card never tells clients where runs or data live on the server.
/// </summary>
internal static class ModelCard
{
    /// <summary>Builds the card of <paramref name="name"/> from the files of <paramref name="runDirectory"/> (missing files are left out).</summary>
    public static JsonObject Read(string name, string runDirectory, ClassifierManifest manifest)
    {
        var card = new JsonObject
        {
            ["name"] = name,
            ["kind"] = "classification",
            ["architecture"] = manifest.Architecture,
            ["classes"] = new JsonArray([.. manifest.Classes.Select(c => (JsonNode?)JsonValue.Create(c))]),
            ["ordinal"] = manifest.Ordinal,
            ["input"] = new JsonObject
            {
                ["channels"] = manifest.InChannels,
                ["imageSize"] = manifest.ImageSize,
                ["resizeSize"] = manifest.ResizeSize,
                ["mean"] = new JsonArray([.. manifest.Mean.Select(v => (JsonNode?)JsonValue.Create(v))]),
                ["std"] = new JsonArray([.. manifest.Std.Select(v => (JsonNode?)JsonValue.Create(v))]),
            },
        };
        return WithRun(card, runDirectory, manifest.Seed);
    }

    /// <summary>The card of a GMIC run (gmic.json): its outputs (independent probabilities), input size, preprocessing and K patches.</summary>
    public static JsonObject ReadGmic(string name, string runDirectory, Methods.Gmic.GmicManifest manifest) => WithRun(new JsonObject
    {
        ["name"] = name,
        ["kind"] = "gmic",
        ["architecture"] = "gmic",
        ["classes"] = Strings(manifest.Outputs),
        ["input"] = new JsonObject
        {
            ["channels"] = 1,
            ["imageHeight"] = manifest.ImageHeight,
            ["imageWidth"] = manifest.ImageWidth,
            ["preprocessing"] = manifest.Preprocessing,
        },
        ["patches"] = manifest.Patches,
        ["cropSize"] = manifest.CropSize,
    }, runDirectory, manifest.Seed);

    /// <summary>The card of a segmentation run (network.json): the architecture, its labels (0 = background), the sliding window and the training seed (segment_options.json).</summary>
    public static JsonObject ReadSegmentation(string name, string runDirectory, Models.Segmentation.SegmentationNetwork network, Methods.Segmentation.SlidingWindowOptions window,
        ulong? seed = null) => WithRun(new JsonObject
    {
        ["name"] = name,
        ["kind"] = "segmentation",
        ["architecture"] = network.GetType().Name.ToLowerInvariant(),
        ["classes"] = Strings([.. Enumerable.Range(0, (int)network.Classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]),
        ["input"] = new JsonObject
        {
            ["channels"] = network.InChannels,
            ["patchSize"] = new JsonArray([.. window.PatchSize.Select(v => (JsonNode?)JsonValue.Create(v))]),
            ["stride"] = new JsonArray([.. window.Stride.Select(v => (JsonNode?)JsonValue.Create(v))]),
            ["blending"] = window.Blending.ToString().ToLowerInvariant(),
        },
    }, runDirectory, seed);

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(c => (JsonNode?)JsonValue.Create(c))]);

    /// <summary>Adds run.json's label, time and version and metrics.json (paths removed) to <paramref name="card"/>.</summary>
    private static JsonObject WithRun(JsonObject card, string runDirectory, ulong? seed)
    {
        if (ReadJson(Path.Combine(runDirectory, Runs.RunDirectory.MarkerFileName)) is JsonObject run)
            card["run"] = new JsonObject
            {
                ["label"] = run["label"]?.DeepClone(),
                ["createdUtc"] = run["created_utc"]?.DeepClone(),
                ["medlearn"] = run["medlearn"]?.DeepClone(),
                ["seed"] = seed is { } value ? JsonValue.Create(value) : run["seed"]?.DeepClone(),
            };
        if (ReadJson(Path.Combine(runDirectory, "metrics.json")) is { } metrics)
            card["metrics"] = WithoutPaths(metrics);
        return card;
    }

    private static JsonNode? ReadJson(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException)
        {
            return null; // a damaged card file does not stop the model from being served
        }
    }

    /// <summary>A copy of <paramref name="node"/> whose string values that are rooted paths are replaced by their file name.</summary>
    internal static JsonNode? WithoutPaths(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, WithoutPaths(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(WithoutPaths)]),
        JsonValue v when v.TryGetValue<string>(out var s) && (Path.IsPathRooted(s) || s.Contains(":\\", StringComparison.Ordinal)) =>
            JsonValue.Create(Path.GetFileName(s.TrimEnd('/', '\\'))),
        _ => node?.DeepClone(),
    };
}
