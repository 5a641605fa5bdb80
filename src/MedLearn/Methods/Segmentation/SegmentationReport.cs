using System.Globalization;
using System.Text.Json.Nodes;
using MedLearn.Reports;
using MedLearn.Runs;

namespace MedLearn.Methods.Segmentation;

/// <summary>
/// Builds report.html of a <c>train segment</c> run from its files (what <c>medlearn report --run</c> calls too):
/// metrics.json (headline), iterations.csv (validation Dice and loss curves by iteration), test_cases.csv (per-case
/// table), montages/*.png (slice montages, written by <see cref="SliceMontage"/> when the cases were evaluated) and
/// settings.json (configuration). Missing optional parts give "not available" notes; a malformed file is an error.
/// </summary>
public static class SegmentationReport
{
    /// <summary>Folder of the montage PNGs in the run folder.</summary>
    public const string MontagesFolder = "montages";

    /// <summary>Loss columns of iterations.csv shown in the loss chart, with their legend names.</summary>
    public static IReadOnlyList<(string Column, string Name)> LossColumns { get; } =
    [
        ("train_loss", "total"), ("train_ce", "cross-entropy"), ("train_dice_loss", "soft Dice"), ("train_sdf_mse", "SDF MSE"),
        ("train_intra", "intra-task"), ("train_cross", "cross-task"),
    ];

    /// <summary>Writes report.html into <paramref name="run"/>; returns its path.</summary>
    /// <exception cref="RunFileException">A file the report reads is malformed.</exception>
    public static string Write(RunDirectory run) => Write(run, Content(run));

    private static string Write(RunDirectory run, SegmentationReportContent content)
    {
        new SegmentationReportPage(content).Write(run.ReportPath);
        return run.ReportPath;
    }

    /// <summary>The report content of <paramref name="run"/>.</summary>
    public static SegmentationReportContent Content(RunDirectory run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var headline = new List<(string, string)>();
        if (File.Exists(run.MetricsPath))
        {
            var m = Json(run.MetricsPath);
            static string F(JsonNode? n, string format) => n is JsonValue v && v.TryGetValue<double>(out var x) ? x.ToString(format, CultureInfo.InvariantCulture) : "n/a";
            headline.Add(("Method", (string?)m["method"] ?? "?"));
            headline.Add(("Held-out Dice", $"{F(m["dice_mean"], "0.0000")} ± {F(m["dice_sd"], "0.0000")}"));
            headline.Add(("HD95 (mm)", $"{F(m["hd95_mm_mean"], "0.00")} ± {F(m["hd95_mm_sd"], "0.00")}"));
            headline.Add(m["best_val_dice"] is { } best
                ? ("Best validation Dice", $"{F(best, "0.0000")} @ it. {m["best_val_iteration"]}")
                : ("Iterations", m["iterations"]?.ToString() ?? "?"));
        }

        IReadOnlyList<double> iterations = [];
        IReadOnlyList<double> dice = [];
        var losses = new List<(string, IReadOnlyList<double>)>();
        var historyPath = Path.Combine(run.Path, SegmentationHistoryRecorder.FileName);
        if (File.Exists(historyPath))
        {
            var (its, columns) = SegmentationHistoryRecorder.Read(historyPath);
            iterations = [.. its.Select(i => (double)i)];
            if (columns.TryGetValue("val_dice", out var d)) dice = d;
            foreach (var (column, name) in LossColumns)
                if (columns.TryGetValue(column, out var v)) losses.Add((name, v));
        }

        var cases = new List<(string, double[], string)>();
        var casesPath = Path.Combine(run.Path, SegmentationTraining.CasesFileName);
        if (File.Exists(casesPath)) cases.AddRange(ReadCases(casesPath));

        var montages = new List<(string, byte[])>();
        var montageDir = Path.Combine(run.Path, MontagesFolder);
        foreach (var (name, _, _) in cases)
        {
            var png = Path.Combine(montageDir, name + ".png");
            if (File.Exists(png)) montages.Add((name, File.ReadAllBytes(png)));
        }

        var settingsPath = Path.Combine(run.Path, "settings.json");
        return new SegmentationReportContent
        {
            Title = $"Segmentation · {run.Label}",
            RunName = run.Name,
            RunPath = run.Path,
            Headline = headline,
            Iterations = iterations,
            ValidationDice = dice,
            Losses = losses,
            Cases = cases,
            Montages = montages,
            Configuration = File.Exists(settingsPath) ? File.ReadAllText(settingsPath) : null,
        };
    }

    /// <summary>The case rows of a test_cases.csv (<see cref="SegmentationEvaluation.WriteCsv"/>), without the mean/sd rows.</summary>
    public static IEnumerable<(string Case, double[] Values, string Rule)> ReadCases(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != SegmentationEvaluation.CsvHeader)
            throw new RunFileException(path, $"{path}: not a per-case metrics file (expected the header '{SegmentationEvaluation.CsvHeader}')");
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split(',');
            if (cells[0] is "mean" or "sd") continue;
            if (cells.Length < 10) throw new RunFileException(path, $"{path}: line '{line}' has {cells.Length} cells, 10 expected");
            var values = cells.Skip(1).Take(8).Select(c => c == "nan" ? double.NaN
                : double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new RunFileException(path, $"{path}: '{c}' in line '{line}' is not a number")).ToArray();
            yield return (cells[0], values, string.Join(',', cells.Skip(9)));
        }
    }

    private static JsonNode Json(string path)
    {
        try { return JsonNode.Parse(File.ReadAllText(path)) ?? throw new RunFileException(path, $"{path}: empty JSON"); }
        catch (System.Text.Json.JsonException e) { throw new RunFileException(path, $"{path}: not valid JSON: {e.Message}", e); }
    }
}
