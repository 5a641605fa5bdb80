using System.Globalization;
using System.Text;
using System.Text.Json;
using MedLearn.Cli.Rendering;
using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Methods.Gmic;
using MedLearn.Runs;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary>
/// <c>medlearn predict</c> and <c>medlearn explain</c> for GMIC runs (a run folder with gmic.json): the shared
/// <see cref="GmicPredictor"/> per image, test-time augmentation with <c>--tta N</c>, and GMIC's own explanations
/// (saliency maps, boxes coloured by attention, patches; <see cref="GmicExplainer"/>).
/// </summary>
internal static class GmicInferenceCommands
{
    /// <summary>The head names of <c>--head</c>.</summary>
    public static readonly string[] Heads = ["fusion", "global", "local"];

    /// <summary>Inference settings from the flags.</summary>
    public static GmicInferenceOptions Options(int tta, double minScale, ulong seed, string head, Torch.Amp.Precision precision) => new()
    {
        Augmentations = tta,
        MinCropScale = minScale,
        Seed = seed,
        Head = Enum.Parse<GmicHead>(head, ignoreCase: true),
        Precision = precision,
    };

    /// <summary>Predicts every input; the table, CSV or JSON as for classifier runs.</summary>
    public static int Predict(IAnsiConsole console, string runPath, IReadOnlyList<InputImage> inputs, GmicInferenceOptions options, ErrorPolicy policy,
        string format, string? csvFile)
    {
        using var predictor = GmicPredictor.Load(runPath, options);
        var skipped = new SkippedImages();
        var results = new List<(GmicImageResult Result, double Milliseconds)>();
        foreach (var input in inputs)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                results.Add((predictor.Predict(input.Path), clock.Elapsed.TotalMilliseconds));
            }
            catch (Exception e) when (policy == ErrorPolicy.Skip && e is IOException or InvalidDataException or DatasetException)
            {
                skipped.Add(input.Path, "predict", e is Data.Readers.ImageReadException r ? r.Reason : e.Message);
            }
        }
        var truth = inputs.ToDictionary(i => i.Path, i => i.TrueLabel, StringComparer.Ordinal);
        var outputs = predictor.Manifest.Outputs;
        if (csvFile is not null)
        {
            // Atomic: a temporary file in the same folder, renamed over the target.
            var full = Path.GetFullPath(csvFile);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
            File.WriteAllText(temp, Csv(results, skipped.Items, truth, outputs));
            File.Move(temp, full, overwrite: true);
        }
        if (format == "csv") Console.Out.Write(Csv(results, skipped.Items, truth, outputs));
        else if (format == "json") Console.Out.WriteLine(Json(runPath, predictor, results, skipped.Items, truth));
        else
        {
            var header = new List<string> { "image", "true", "top output" };
            header.AddRange(outputs.Select(o => $"p {o}"));
            header.Add("ms");
            var lines = results.Select(r => (IReadOnlyList<string>)[r.Result.Path!, truth.GetValueOrDefault(r.Result.Path!) ?? "", outputs[r.Result.TopOutput],
                .. r.Result.Probabilities.Select(p => F(p, "F3")), F(r.Milliseconds, "F0")]).ToList();
            WriteTable(console, header, lines);
            console.WriteLine($"GMIC {options.Head.ToString().ToLowerInvariant()} probabilities (sigmoid, one per output)" +
                (options.Augmentations > 1 ? $", mean over {options.Augmentations} test-time views (crop jitter, seed {options.Seed})" : "") + $"; {predictor.PrecisionReason}");
            ClassificationSession.WriteSkipped(console, skipped.Items, csvFile is null ? "this list" : "the CSV file");
        }
        if (format != "table" && skipped.Count > 0)
            Console.Error.WriteLine($"predict: skipped {skipped.Count} unreadable image{(skipped.Count == 1 ? "" : "s")} (listed in the output)");
        return 0;
    }

    /// <summary>
    /// CSV (RFC 4180): <c>path,true_label,top_output,probability,p_&lt;o&gt;...,p_global_&lt;o&gt;...,p_local_&lt;o&gt;...,views,boxes,forward_ms,error</c>;
    /// p_&lt;o&gt; is the chosen head (y_fusion by default); boxes is "row:column:attention;..." in selection order (input pixels).
    /// </summary>
    internal static string Csv(IReadOnlyList<(GmicImageResult Result, double Milliseconds)> results, IReadOnlyList<SkippedImage> skipped,
        IReadOnlyDictionary<string, string?> truth, IReadOnlyList<string> outputs)
    {
        var sb = new StringBuilder();
        sb.Append(PredictCommand.CsvLine(["path", "true_label", "top_output", "probability", .. outputs.Select(o => "p_" + o), .. outputs.Select(o => "p_global_" + o),
            .. outputs.Select(o => "p_local_" + o), "views", "boxes", "forward_ms", "error"]));
        foreach (var (r, ms) in results)
            sb.Append(PredictCommand.CsvLine([r.Path!, truth.GetValueOrDefault(r.Path!) ?? "", outputs[r.TopOutput], F(r.Probabilities[r.TopOutput], "R"),
                .. r.Probabilities.Select(v => F(v, "R")), .. r.Global.Select(v => F(v, "R")), .. r.Local.Select(v => F(v, "R")),
                r.Views.ToString(CultureInfo.InvariantCulture), string.Join(';', r.Boxes.Select(b => $"{b.Row}:{b.Column}:{F(b.Attention, "F6")}")), F(ms, "F3"), ""]));
        foreach (var s in skipped)
            sb.Append(PredictCommand.CsvLine([s.Path, truth.GetValueOrDefault(s.Path) ?? "", "", "", .. outputs.SelectMany(_ => new[] { "", "", "" }), "", "", "", s.Reason]));
        return sb.ToString();
    }

    private static string Json(string run, GmicPredictor predictor, IReadOnlyList<(GmicImageResult Result, double Milliseconds)> results, IReadOnlyList<SkippedImage> skipped,
        IReadOnlyDictionary<string, string?> truth)
    {
        var outputs = predictor.Manifest.Outputs;
        Dictionary<string, double> ByName(float[] v) => outputs.Select((o, i) => (o, i)).ToDictionary(t => t.o, t => (double)v[t.i]);
        var document = new
        {
            run = Path.GetFullPath(run),
            outputs,
            head = predictor.Options.Head.ToString().ToLowerInvariant(),
            views = predictor.Options.Augmentations,
            predictions = results.Select(x => new
            {
                path = x.Result.Path,
                trueLabel = truth.GetValueOrDefault(x.Result.Path!),
                topOutput = outputs[x.Result.TopOutput],
                probabilities = ByName(x.Result.Probabilities),
                global = ByName(x.Result.Global),
                local = ByName(x.Result.Local),
                boxes = x.Result.Boxes.Select(b => new { rank = b.Rank, row = b.Row, column = b.Column, height = b.Height, width = b.Width, attention = b.Attention }),
                forwardMs = x.Milliseconds,
            }),
            skipped = skipped.Select(s => new { path = s.Path, reason = s.Reason }),
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Explains every input into <paramref name="output"/>: GmicExplainer's files per image plus explanations.json (all of them).</summary>
    public static int Explain(IAnsiConsole console, string runPath, IReadOnlyList<InputImage> inputs, GmicInferenceOptions options, bool skip, string output)
    {
        using var predictor = GmicPredictor.Load(runPath, options);
        var skipped = new SkippedImages();
        var results = new List<GmicExplanation>();
        var stems = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var input in inputs)
        {
            var stem = GmicExplainer.FileSafe(Path.GetFileNameWithoutExtension(input.Path.TrimEnd('/', '\\')));
            for (var n = 2; !stems.Add(stem); n++) stem = $"{GmicExplainer.FileSafe(Path.GetFileNameWithoutExtension(input.Path.TrimEnd('/', '\\')))}-{n}";
            try
            {
                results.Add(GmicExplainer.Write(predictor, input.Path, output, stem, input.TrueLabel));
            }
            catch (Exception e) when (skip && e is IOException or InvalidDataException or DatasetException)
            {
                skipped.Add(input.Path, "explain", e is Data.Readers.ImageReadException r ? r.Reason : e.Message);
            }
        }
        MetricsFile.Write(Path.Combine(output, "explanations.json"), results);
        var outputs = predictor.Manifest.Outputs;
        List<string> header = ["image", "true", "top output", .. outputs.Select(o => $"p {o}"), "top box (row:col)", "attention", "boxes"];
        var lines = results.Select(e =>
        {
            var top = e.Boxes.OrderByDescending(b => b.Attention).First();
            return (IReadOnlyList<string>)[Path.GetFileName(e.Path), e.TrueLabel ?? "-", e.TopOutput, .. outputs.Select(o => F(e.Probabilities[o], "F3")),
                $"{top.Row}:{top.Column}", F(top.Attention, "F3"), e.BoxesOverlay];
        }).ToList();
        WriteTable(console, header, lines);
        ClassificationSession.WriteSkipped(console, skipped.Items, "this list");
        console.MarkupLineInterpolated($"written to [bold]{Path.GetFullPath(output)}[/] (per image: saliency overlay per output, boxes coloured by attention, {predictor.Manifest.Patches} patches, JSON; explanations.json)");
        return 0;
    }

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A plain left-aligned table (two spaces between columns) on stdout, unwrapped whatever the console width.</summary>
    private static void WriteTable(IAnsiConsole console, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> lines)
    {
        var widths = header.Select((h, c) => lines.Select(l => l[c].Length).Append(h.Length).Max()).ToArray();
        string Line(IReadOnlyList<string> cells) => string.Join("  ", cells.Select((v, c) => c == cells.Count - 1 ? v : v.PadRight(widths[c]))).TrimEnd();
        var text = new StringBuilder().Append(Line(header)).Append('\n');
        foreach (var l in lines) text.Append(Line(l)).Append('\n');
        console.Profile.Out.Writer.Write(text.ToString());
        console.Profile.Out.Writer.Flush();
    }
}
