using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedLearn.Torch.Serialization;

namespace MedLearn.Runs;

/// <summary>
/// The folder of one training run and the well-known paths inside it:
/// <code>
/// &lt;root&gt;/&lt;yyyyMMdd-HHmmss&gt;-&lt;label&gt;[-N]/
///   run.json               marker: format, label, creation time (UTC), host, MedLearn version, kind (RunKinds)
///   config.resolved.yaml   the options the run used, every key (ConfigWriter)
///   split.csv              the data split (SplitFile)
///   history.csv            one row per epoch (HistoryFile)
///   checkpoints/           model/optimizer checkpoints
///   metrics.json           final metrics (MetricsFile)
///   predictions.csv        per-item predictions (PredictionsFile)
///   report.html            the run report
///   tb/                    TensorBoard event files (TensorBoardWriter)
/// </code>
/// TensorBoard files live in <c>tb/</c>, not in the run folder itself: a resumed run adds an event file per writer
/// session, and keeping them apart leaves the run folder with the files above only (and lets tools copy or drop
/// the TensorBoard logs as one folder). <c>tensorboard --logdir &lt;root&gt;</c> lists each run as
/// <c>&lt;run name&gt;/tb</c>.
/// </summary>
public sealed class RunDirectory
{
    /// <summary>Marker file that makes a folder a run folder.</summary>
    public const string MarkerFileName = "run.json";
    /// <summary>The resolved configuration, relative to the run folder.</summary>
    public const string ConfigFileName = "config.resolved.yaml";
    /// <summary>The data split, relative to the run folder.</summary>
    public const string SplitFileName = "split.csv";
    /// <summary>The per-epoch history, relative to the run folder.</summary>
    public const string HistoryFileName = "history.csv";
    /// <summary>The checkpoint folder, relative to the run folder.</summary>
    public const string CheckpointsFolderName = "checkpoints";
    /// <summary>Final metrics, relative to the run folder.</summary>
    public const string MetricsFileName = "metrics.json";
    /// <summary>Per-item predictions, relative to the run folder.</summary>
    public const string PredictionsFileName = "predictions.csv";
    /// <summary>The HTML report, relative to the run folder.</summary>
    public const string ReportFileName = "report.html";
    /// <summary>The TensorBoard folder, relative to the run folder.</summary>
    public const string TensorBoardFolderName = "tb";

    private const string Format = "medlearn-run";
    private const int FormatVersion = 1;
    private const int MaxSuffix = 10_000;

    private RunDirectory(string path, string label, DateTimeOffset createdUtc, string? kind = null)
    {
        Path = path;
        Label = label;
        CreatedUtc = createdUtc;
        Kind = kind;
    }

    /// <summary>
    /// What made the run (<see cref="RunKinds"/>: classify, semi, evaluation), as recorded in run.json; null for
    /// folders created without one (runs of earlier versions: <see cref="RunKinds.Detect"/> infers it from the files).
    /// </summary>
    public string? Kind { get; }

    /// <summary>Absolute path of the run folder.</summary>
    public string Path { get; }

    /// <summary>Folder name, e.g. <c>20250102-030405-baseline-2</c>.</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>The label given at creation (after sanitising).</summary>
    public string Label { get; }

    /// <summary>Creation time (UTC, whole seconds: the time in the folder name).</summary>
    public DateTimeOffset CreatedUtc { get; }

    /// <summary><c>config.resolved.yaml</c>.</summary>
    public string ConfigPath => Combine(ConfigFileName);

    /// <summary><c>split.csv</c>.</summary>
    public string SplitPath => Combine(SplitFileName);

    /// <summary><c>history.csv</c>.</summary>
    public string HistoryPath => Combine(HistoryFileName);

    /// <summary><c>checkpoints/</c> (created with the run).</summary>
    public string CheckpointsDir => Combine(CheckpointsFolderName);

    /// <summary><c>metrics.json</c>.</summary>
    public string MetricsPath => Combine(MetricsFileName);

    /// <summary><c>predictions.csv</c>.</summary>
    public string PredictionsPath => Combine(PredictionsFileName);

    /// <summary><c>report.html</c>.</summary>
    public string ReportPath => Combine(ReportFileName);

    /// <summary><c>tb/</c> (created with the run): the folder for <see cref="TensorBoardWriter"/>.</summary>
    public string TensorBoardDir => Combine(TensorBoardFolderName);

    /// <summary><c>run.json</c>.</summary>
    public string MarkerPath => Combine(MarkerFileName);

    private string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>
    /// Creates a new run folder under <paramref name="root"/> (created if missing) named
    /// <c>&lt;yyyyMMdd-HHmmss&gt;-&lt;label&gt;</c> from the current UTC time, or with <c>-2</c>, <c>-3</c>, ... appended
    /// when that name is taken. Never reuses or overwrites an existing file or folder, even against concurrent
    /// creators: the run is assembled in a hidden temporary folder (<c>.creating-*</c>, with its marker and
    /// subfolders) and renamed to the first free name; a rename onto an existing name fails (the runtime refuses
    /// existing targets, and at the file-system level a rename cannot replace a non-empty folder, which every run
    /// folder is), and then the next suffix is tried.
    /// </summary>
    /// <param name="root">Folder holding the runs.</param>
    /// <param name="label">Run label: letters, digits, '.', '_' and '-' are kept, other characters become '-'.</param>
    /// <param name="clock">Time source (default: the system clock).</param>
    /// <param name="kind">What makes the run (<see cref="RunKinds"/>), recorded in run.json so its report is rebuilt by the same kind; null = not recorded.</param>
    /// <exception cref="ArgumentException">The label has no usable character.</exception>
    /// <exception cref="IOException">The root cannot be created or written, or 10000 names are taken.</exception>
    public static RunDirectory Create(string root, string label, TimeProvider? clock = null, string? kind = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        var clean = SanitizeLabel(label);
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var rootFull = System.IO.Path.GetFullPath(root);
        Directory.CreateDirectory(rootFull);
        var baseName = $"{now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{clean}";
        var temp = System.IO.Path.Combine(rootFull, $".creating-{baseName}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            Directory.CreateDirectory(System.IO.Path.Combine(temp, CheckpointsFolderName));
            Directory.CreateDirectory(System.IO.Path.Combine(temp, TensorBoardFolderName));
            var marker = new JsonObject
            {
                ["format"] = Format,
                ["version"] = FormatVersion,
                ["label"] = clean,
                ["created_utc"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["host"] = Environment.MachineName,
                ["medlearn"] = MedLearnInfo.Version,
            };
            if (kind is not null) marker["kind"] = kind;
            var bytes = Encoding.UTF8.GetBytes(marker.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            AtomicFile.Write(System.IO.Path.Combine(temp, MarkerFileName), s => s.Write(bytes));
            for (var n = 1; n <= MaxSuffix; n++)
            {
                var target = System.IO.Path.Combine(rootFull, n == 1 ? baseName : $"{baseName}-{n}");
                if (Exists(target)) continue;
                try
                {
                    Directory.Move(temp, target);
                }
                catch (IOException) when (Exists(target))
                {
                    continue; // another creator took the name between the check and the rename
                }
                return new RunDirectory(target, clean, now, kind);
            }
            throw new IOException($"{rootFull}: {MaxSuffix} runs named {baseName}[-N] exist already");
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                try { Directory.Delete(temp, recursive: true); }
                catch (IOException) { /* best effort: the original outcome matters */ }
                catch (UnauthorizedAccessException) { }
            }
        }
    }

    /// <summary>Opens an existing run folder (one with a valid <c>run.json</c>).</summary>
    /// <exception cref="RunFileException">The folder does not exist, or is not a MedLearn run folder.</exception>
    public static RunDirectory Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        if (!Directory.Exists(full))
            throw new RunFileException(full, File.Exists(full) ? $"{full} is a file, not a run folder" : $"run folder {full} does not exist");
        var marker = System.IO.Path.Combine(full, MarkerFileName);
        if (!File.Exists(marker))
            throw new RunFileException(full, $"{full} is not a MedLearn run folder (it has no {MarkerFileName}; run folders are made by RunDirectory.Create)");
        JsonNode? json;
        try { json = JsonNode.Parse(File.ReadAllText(marker)); }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new RunFileException(full, $"{marker}: not a valid run marker: {e.Message}", e);
        }
        if (json is not JsonObject o || (string?)o["format"] != Format || o["version"]?.GetValueKind() != JsonValueKind.Number)
            throw new RunFileException(full, $"{marker}: not a MedLearn run marker (expected \"format\": \"{Format}\" and a version)");
        var version = (int)o["version"]!;
        if (version > FormatVersion)
            throw new RunFileException(full, $"{marker}: run format version {version} is newer than this MedLearn supports ({FormatVersion})");
        var label = (string?)o["label"] ?? "";
        var created = DateTimeOffset.TryParse((string?)o["created_utc"], CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var c) ? c : default;
        return new RunDirectory(full, label, created, o["kind"]?.GetValueKind() == JsonValueKind.String ? (string?)o["kind"] : null);
    }

    /// <summary>
    /// Records <paramref name="value"/> under <paramref name="key"/> in run.json (replacing an earlier value of the
    /// key), atomically: what the run was started from, e.g. the pretrained weights it loaded.
    /// </summary>
    public void Annotate(string key, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (JsonNode.Parse(File.ReadAllText(MarkerPath)) is not JsonObject marker)
            throw new RunFileException(Path, $"{MarkerPath}: not a valid run marker");
        marker[key] = value;
        var bytes = Encoding.UTF8.GetBytes(marker.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        AtomicFile.Write(MarkerPath, s => s.Write(bytes));
    }

    /// <summary>True when <paramref name="path"/> is a folder with a MedLearn run marker.</summary>
    public static bool IsRunDirectory(string path)
    {
        try { Open(path); return true; }
        catch (RunFileException) { return false; }
    }

    /// <summary>The label as used in folder names: [A-Za-z0-9._-] kept, runs of other characters become one '-', no leading/trailing '-' or '.'.</summary>
    /// <exception cref="ArgumentException">Nothing usable is left.</exception>
    public static string SanitizeLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        var sb = new StringBuilder(label.Length);
        foreach (var c in label)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        var clean = sb.ToString().Trim('-', '.');
        if (clean.Length > 80) clean = clean[..80].TrimEnd('-', '.');
        if (clean.Length == 0) throw new ArgumentException($"run label '{label}' has no usable character (letters, digits, '.', '_', '-')", nameof(label));
        return clean;
    }

    private static bool Exists(string path) => Directory.Exists(path) || File.Exists(path);

    /// <inheritdoc/>
    public override string ToString() => Path;
}
