using System.Globalization;
using System.Text;
using System.Text.Json;
using MedLearn.Runs;

namespace MedLearn.Explain;

/// <summary>
/// The files of an explanation folder: one overlay PNG per image and the summaries <c>explanations.json</c> (every
/// field of <see cref="ImageExplanation"/>, including the deletion curves) and <c>explanations.csv</c> (one row per
/// image: path, method, layer, predicted, predicted_probability, target, target_probability, true_label,
/// deletion_auc, map_min, map_max, overlay, seconds). All files are written atomically.
/// </summary>
public static class ExplanationSummary
{
    /// <summary>File name of the JSON summary.</summary>
    public const string JsonFileName = "explanations.json";

    /// <summary>File name of the CSV summary.</summary>
    public const string CsvFileName = "explanations.csv";

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>
    /// Writes each explanation's overlay as <c>&lt;image name&gt;-&lt;method&gt;.png</c> (when two images share a name,
    /// the later one's parent folder name is prefixed, <c>&lt;folder&gt;_&lt;image name&gt;-&lt;method&gt;.png</c>, then a number
    /// is appended; names are compared case-insensitively, so no overlay overwrites another) and the two summaries into <paramref name="directory"/>; returns the explanations with their
    /// <see cref="ImageExplanation.Overlay"/> file names set.
    /// </summary>
    public static IReadOnlyList<ImageExplanation> Write(string directory, IReadOnlyList<ImageExplanation> explanations)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(explanations);
        Directory.CreateDirectory(directory);
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var written = new List<ImageExplanation>();
        foreach (var e in explanations)
        {
            var stem = Path.GetFileNameWithoutExtension(e.Path);
            if (stem.EndsWith(".nii", StringComparison.OrdinalIgnoreCase)) stem = stem[..^4];
            var tag = ExplainMethods.Parse(e.Method).FileTag();
            var name = $"{stem}-{tag}.png";
            // Same file name from another folder (a/x.png, b/x.png): prefix the parent folder's name, then number.
            if (used.Contains(name) && Path.GetFileName(Path.GetDirectoryName(e.Path)) is { Length: > 0 } parent)
                name = $"{RunDirectory.SanitizeLabel(parent)}_{stem}-{tag}.png";
            for (var i = 2; !used.Add(name); i++) name = $"{stem}-{i}-{tag}.png";
            AtomicText.Write(Path.Combine(directory, name), e.OverlayPng);
            written.Add(e with { Overlay = name });
        }
        AtomicText.Write(Path.Combine(directory, JsonFileName), JsonSerializer.Serialize(new ExplanationFile(written), s_json));
        var csv = new StringBuilder();
        csv.Append(RunCsv.Line(["path", "method", "layer", "predicted", "predicted_probability", "target", "target_probability", "true_label",
            "deletion_auc", "map_min", "map_max", "overlay", "seconds"]));
        foreach (var e in written)
            csv.Append(RunCsv.Line([e.Path, e.Method, e.Layer ?? "", e.PredictedClass, RunCsv.Format(e.PredictedProbability), e.TargetClass,
                RunCsv.Format(e.TargetProbability), e.TrueClass ?? "", e.DeletionAuc is { } auc ? RunCsv.Format(auc) : "",
                RunCsv.Format(e.MapMin), RunCsv.Format(e.MapMax), e.Overlay ?? "", e.Seconds.ToString("0.###", CultureInfo.InvariantCulture)]));
        AtomicText.Write(Path.Combine(directory, CsvFileName), csv.ToString());
        return written;
    }

    /// <summary>Reads <c>explanations.json</c> of <paramref name="directory"/> (overlay bytes are not loaded).</summary>
    /// <exception cref="InvalidDataException">Missing or malformed (the message names the file).</exception>
    public static IReadOnlyList<ImageExplanation> Read(string directory)
    {
        var path = Path.Combine(directory, JsonFileName);
        try
        {
            return JsonSerializer.Deserialize<ExplanationFile>(File.ReadAllText(path), s_json)?.Images
                ?? throw new InvalidDataException($"{path}: empty");
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private sealed record ExplanationFile(IReadOnlyList<ImageExplanation> Images);
}
