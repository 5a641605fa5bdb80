using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using MedLearn.Torch.Serialization;

namespace MedLearn.Runs;

/// <summary>
/// The final metrics of a run, <c>metrics.json</c>: any object serialised with System.Text.Json, indented, written
/// atomically (temp file + rename). Property names are snake_case (<c>BalancedAccuracy</c> ->
/// <c>balanced_accuracy</c>); dictionary keys are kept as given; enums are written as kebab-case strings; NaN and
/// infinities are allowed and written as the strings "NaN", "Infinity", "-Infinity"
/// (<see cref="JsonNumberHandling.AllowNamedFloatingPointLiterals"/>); non-ASCII text is not escaped. The same
/// options read the file back.
/// </summary>
public static class MetricsFile
{
    /// <summary>The serializer options used for writing and reading (read-only).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var o = new JsonSerializerOptions
        {
            WriteIndented = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        };
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    /// <summary>Serialises <paramref name="value"/> to <paramref name="path"/> (folder must exist), with a final newline.</summary>
    public static void Write<T>(string path, T value)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, Options);
        AtomicFile.Write(path, s =>
        {
            s.Write(bytes);
            s.WriteByte((byte)'\n');
        });
    }

    /// <summary>Reads a metrics file into <typeparamref name="T"/>.</summary>
    /// <exception cref="RunFileException">The file cannot be read or is not valid JSON for <typeparamref name="T"/>.</exception>
    public static T Read<T>(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            using var stream = File.OpenRead(full);
            return JsonSerializer.Deserialize<T>(stream, Options) ?? throw new RunFileException(full, $"{full}: the metrics file holds null");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new RunFileException(full, $"{full}: cannot read the metrics: {e.Message}", e);
        }
    }
}
