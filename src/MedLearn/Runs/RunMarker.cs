using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedLearn.Torch.Serialization;

namespace MedLearn.Runs;

/// <summary>Adds facts about a run to its marker file <c>run.json</c> (other keys are kept; written atomically).</summary>
public static class RunMarker
{
    /// <summary>Sets <paramref name="key"/> of run.json to <paramref name="value"/> (null removes it).</summary>
    /// <exception cref="RunFileException">run.json is unreadable or not a JSON object.</exception>
    public static void Set(RunDirectory run, string key, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(run);
        JsonObject marker;
        try
        {
            marker = JsonNode.Parse(File.ReadAllText(run.MarkerPath)) as JsonObject ?? throw new RunFileException(run.MarkerPath, $"{run.MarkerPath}: not a JSON object");
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new RunFileException(run.MarkerPath, $"{run.MarkerPath}: cannot read the run marker: {e.Message}", e);
        }
        if (value is null) marker.Remove(key);
        else marker[key] = value;
        var bytes = Encoding.UTF8.GetBytes(marker.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        AtomicFile.Write(run.MarkerPath, s => s.Write(bytes));
    }

    /// <summary>Reads <paramref name="key"/> of run.json, or null.</summary>
    public static JsonNode? Get(RunDirectory run, string key)
    {
        ArgumentNullException.ThrowIfNull(run);
        try { return (JsonNode.Parse(File.ReadAllText(run.MarkerPath)) as JsonObject)?[key]?.DeepClone(); }
        catch (Exception e) when (e is JsonException or IOException) { return null; }
    }
}
