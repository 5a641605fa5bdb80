using System.Text.Json;
using MedLearn.Models;
using MedLearn.Runs;
using MedLearn.Training;

namespace MedLearn.Methods.Supervised;

/// <summary>
/// What a run's <c>--weights</c> file gave the model, as recorded in the run folder (<c>weights.json</c>, and a
/// summary under <c>"weights"</c> in run.json) and shown in the report.
/// </summary>
/// <param name="File">The weights file, as given.</param>
/// <param name="Strict">Whether any missing, unexpected or mis-shaped key was an error (<c>weights-strict</c>).</param>
/// <param name="UnwrappedFrom">The checkpoint entry the state dict was taken from ("state_dict", ...), or null.</param>
/// <param name="ModulePrefixStripped">True when DataParallel's <c>module.</c> prefix was stripped from every key.</param>
/// <param name="Loaded">Number of model entries loaded from the file.</param>
/// <param name="Missing">Model entries the file lacks (they keep their initialisation).</param>
/// <param name="Unexpected">File entries the model lacks (ignored).</param>
/// <param name="ShapeMismatches">Entries present in both with different shapes (not loaded), as "key: file [..], model [..]".</param>
/// <param name="HeadReinitialised">True when the classification head was freshly initialised instead of loaded.</param>
/// <param name="FileHeadShape">Shape of the file's head weight, or null.</param>
/// <param name="FirstConvAdapted">True when RGB first-convolution filters were summed for a 1-channel model.</param>
public sealed record RunWeights(string File, bool Strict, string? UnwrappedFrom, bool ModulePrefixStripped, int Loaded,
    IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected, IReadOnlyList<string> ShapeMismatches,
    bool HeadReinitialised, IReadOnlyList<long>? FileHeadShape, bool FirstConvAdapted)
{
    /// <summary>The record's file in the run folder.</summary>
    public const string FileName = "weights.json";

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="model"/> (<see cref="PretrainedWeights.Load(ImageClassifier, string, bool, bool)"/>),
    /// records what happened in <paramref name="run"/> and tells the <paramref name="callbacks"/>.
    /// </summary>
    internal static WeightsImportReport Load(RunDirectory run, ImageClassifier model, string path, bool strict, IEnumerable<ITrainingCallback>? callbacks)
    {
        var report = PretrainedWeights.Load(model, path, strict);
        var record = new RunWeights(path, strict, report.WrapperKey, report.ModulePrefixStripped, report.LoadedKeys, report.MissingKeys,
            report.UnexpectedKeys, [.. report.ShapeMismatches.Select(m => m.ToString())], report.HeadReinitialised, report.FileHeadShape,
            report.FirstConvAdapted);
        MetricsFile.Write(System.IO.Path.Combine(run.Path, FileName), record);
        run.Annotate("weights", JsonSerializer.SerializeToNode(new
        {
            file = path,
            strict,
            unwrapped_from = report.WrapperKey,
            module_prefix_stripped = report.ModulePrefixStripped,
            loaded = report.LoadedKeys,
            missing = report.MissingKeys.Count,
            unexpected = report.UnexpectedKeys.Count,
            shape_mismatches = report.ShapeMismatches.Count,
            head_reinitialised = report.HeadReinitialised,
        }));
        foreach (var c in callbacks ?? []) c.OnWeightsLoaded(report);
        return report;
    }

    /// <summary>The report section: what was loaded, unwrapped, missing, unexpected and re-initialised (first keys of each list).</summary>
    public Reports.ReportSection Section()
    {
        static string E(string s) => System.Net.WebUtility.HtmlEncode(s);
        static string Keys(IReadOnlyList<string> keys) => keys.Count == 0 ? "none"
            : $"{keys.Count}: <code>{string.Join("</code>, <code>", keys.Take(10).Select(E))}</code>{(keys.Count > 10 ? ", ..." : "")}";
        var rows = new List<(string, string)>
        {
            ("File", $"<code>{E(File)}</code>"),
            ("Strict", Strict ? "yes (every key had to fit)" : "no (weights-strict: false)"),
            ("Unwrapped", (UnwrappedFrom is null ? "top-level state dict" : $"from the checkpoint's <code>{E(UnwrappedFrom)}</code> entry")
                + (ModulePrefixStripped ? "; DataParallel <code>module.</code> prefix stripped" : "")),
            ("Loaded", Loaded.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Missing (kept their initialisation)", Keys(Missing)),
            ("Unexpected (ignored)", Keys(Unexpected)),
            ("Shape mismatches (not loaded)", Keys(ShapeMismatches)),
            ("Head", HeadReinitialised
                ? $"re-initialised{(FileHeadShape is null ? " (the file has none)" : $" (file head [{string.Join(", ", FileHeadShape)}])")}"
                : "loaded from the file"),
        };
        if (FirstConvAdapted) rows.Add(("First convolution", "RGB filters summed for 1 input channel"));
        var html = "<table>" + string.Concat(rows.Select(r => $"<tr><th>{r.Item1}</th><td>{r.Item2}</td></tr>")) + "</table>";
        return new Reports.ReportSection("Pretrained weights", html);
    }

    /// <summary>The record of <paramref name="run"/>, or null when it was not started from a weights file.</summary>
    public static RunWeights? Read(RunDirectory run)
    {
        var path = System.IO.Path.Combine(run.Path, FileName);
        return System.IO.File.Exists(path) ? MetricsFile.Read<RunWeights>(path) : null;
    }
}
