using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MedLearn.Cli.Rendering;
using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Methods.Supervised;
using MedLearn.Torch.Amp;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary>
/// <c>medlearn predict --run RUN INPUT...</c>: class probabilities, top classes and latency per image. Inputs are image
/// files, folders (class folders give the true label; a DICOM series folder is one image), quoted globs and CSV
/// manifests (<see cref="ImageInputs"/>). Output: a table (plain aligned text when stdout is not a terminal, so paths
/// are never broken), <c>--format json</c> or <c>--format csv</c>, and <c>--csv FILE</c>.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var run = new Option<string?>("--run") { Description = "Run folder (holds model.json and model.pt)." };
        var onnx = new Option<string?>("--onnx") { Description = "Instead of --run: a classifier exported by `medlearn export` (model.onnx), run by ONNX Runtime." };
        var images = new Argument<string[]>("inputs")
        {
            Description = "Image files, folders (class folders, labels.csv, images, or a DICOM series), quoted globs ('scans/*.png') or CSV manifests.",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "Same as --format json." };
        var format = new Option<string>("--format") { Description = "table (default), json or csv (to stdout).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        var csvFile = new Option<string?>("--csv") { Description = "Also write the predictions as CSV to this file." };
        var topK = new Option<int>("--top-k") { Description = "Show the k most probable classes per image (default: every class).", DefaultValueFactory = _ => 0 };
        var onError = new Option<string>("--on-error") { Description = "Unreadable images: fail (default) or skip (listed, exit code 0).", DefaultValueFactory = _ => "fail" };
        onError.AcceptOnlyFromAmong("fail", "skip");
        var precision = new Option<string>("--precision") { Description = "auto, fp32 or bf16.", DefaultValueFactory = _ => "auto" };
        var tta = new Option<int>("--tta") { Description = "GMIC runs: views averaged per image (1 = none; 10 = the paper's test-time augmentation with crop jitter).", DefaultValueFactory = _ => 1 };
        var ttaScale = new Option<double>("--tta-min-scale") { Description = "GMIC runs: smallest crop scale of the jitter, in (0, 1].", DefaultValueFactory = _ => 0.9 };
        var seed = new Option<ulong>("--seed") { Description = "GMIC runs: seed of the test-time crop jitter.", DefaultValueFactory = _ => 0 };
        var head = new Option<string>("--head") { Description = "GMIC runs: the output reported: fusion (default, GMIC's prediction), global or local.", DefaultValueFactory = _ => "fusion" };
        head.AcceptOnlyFromAmong(GmicInferenceCommands.Heads);
        var command = new Command("predict", "Classify images with a trained run (classifier or GMIC).") { run, onnx, images, json, format, csvFile, topK, onError, precision, tta, ttaScale, seed, head };
        command.SetAction(parse =>
        {
            var console = AnsiConsole.Console;
            try
            {
                var k = parse.GetValue(topK);
                if (k < 0) throw new ArgumentException($"--top-k: must be >= 1 (got {k})");
                var runPath = parse.GetValue(run);
                var onnxPath = parse.GetValue(onnx);
                if ((runPath is null) == (onnxPath is null))
                    throw new ArgumentException("give either --run RUN (the trained run) or --onnx MODEL.onnx (an exported classifier), not both or neither");
                if (onnxPath is not null)
                {
                    using var exported = Onnx.OnnxClassifier.Open(onnxPath);
                    var onnxInputs = ImageInputs.Resolve(parse.GetValue(images)!);
                    var onnxSkipped = new SkippedImages();
                    var onnxPredictions = exported.Predict(onnxInputs.Select(i => i.Path), parse.GetValue(onError) == "skip" ? ErrorPolicy.Skip : ErrorPolicy.Fail, onnxSkipped);
                    return Render(console, Path.GetFullPath(onnxPath), onnxPredictions, onnxSkipped, onnxInputs, exported.Manifest.Classes,
                        parse.GetValue(json) ? "json" : parse.GetValue(format)!, parse.GetValue(csvFile), k);
                }
                if (Methods.Gmic.GmicManifest.IsGmicRun(parse.GetValue(run)!))
                    return GmicInferenceCommands.Predict(console, parse.GetValue(run)!, ImageInputs.Resolve(parse.GetValue(images)!),
                        GmicInferenceCommands.Options(parse.GetValue(tta), parse.GetValue(ttaScale), parse.GetValue(seed), parse.GetValue(head)!, PrecisionPlan.ParsePrecision(parse.GetValue(precision)!)),
                        parse.GetValue(onError) == "skip" ? ErrorPolicy.Skip : ErrorPolicy.Fail, parse.GetValue(json) ? "json" : parse.GetValue(format)!, parse.GetValue(csvFile));
                using var classifier = TrainedClassifier.Load(parse.GetValue(run)!, PrecisionPlan.ParsePrecision(parse.GetValue(precision)!));
                var inputs = ImageInputs.Resolve(parse.GetValue(images)!);
                var skipped = new SkippedImages();
                var policy = parse.GetValue(onError) == "skip" ? ErrorPolicy.Skip : ErrorPolicy.Fail;
                var predictions = classifier.Predict(inputs.Select(i => i.Path), policy, skipped);
                return Render(console, Path.GetFullPath(parse.GetValue(run)!), predictions, skipped, inputs, classifier.Manifest.Classes,
                    parse.GetValue(json) ? "json" : parse.GetValue(format)!, parse.GetValue(csvFile), k);
            }
            catch (Exception e) when (CliErrors.IsUserError(e))
            {
                return CliErrors.Report(console, "predict", e);
            }
        });
        return command;
    }

    /// <summary>Writes the predictions as <paramref name="chosen"/> (table, json, csv) and to <paramref name="csvFile"/> (atomically) when given.</summary>
    private static int Render(IAnsiConsole console, string source, IReadOnlyList<ImagePrediction> predictions, SkippedImages skipped,
        IReadOnlyList<InputImage> inputs, IReadOnlyList<string> classes, string chosen, string? csvFile, int k)
    {
        var truth = inputs.ToDictionary(i => i.Path, i => i.TrueLabel, StringComparer.Ordinal);
        if (csvFile is not null)
        {
            // Atomic: a temporary file in the same folder, renamed over the target.
            var full = Path.GetFullPath(csvFile);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
            File.WriteAllText(temp, Csv(predictions, skipped.Items, truth, classes, k));
            File.Move(temp, full, overwrite: true);
        }
        if (chosen == "json")
            Console.Out.WriteLine(Json(source, predictions, skipped.Items, truth, classes, k));
        else if (chosen == "csv")
            Console.Out.Write(Csv(predictions, skipped.Items, truth, classes, k));
        else
        {
            Table(console, predictions, truth, classes, k);
            ClassificationSession.WriteSkipped(console, skipped.Items, csvFile is null ? "this list" : "the CSV file");
        }
        if (chosen != "table" && skipped.Count > 0)
            Console.Error.WriteLine($"predict: skipped {skipped.Count} unreadable image{(skipped.Count == 1 ? "" : "s")} (listed in the output)");
        return 0;
    }

    /// <summary>One RFC 4180 line: fields with a comma, quote or line break are quoted, quotes doubled.</summary>
    internal static string CsvLine(IEnumerable<string> fields) =>
        string.Join(',', fields.Select(f => f.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + f.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : f)) + "\n";

    private static string F(double v, string format = "F4") => v.ToString(format, CultureInfo.InvariantCulture);

    private static string TopText(ImagePrediction p, IReadOnlyList<string> classes, int k) =>
        string.Join(", ", p.TopK(k).Select(t => $"{classes[t.Class]} {F(t.Probability, "F3")}"));

    private static string Json(string run, IReadOnlyList<ImagePrediction> predictions, IReadOnlyList<SkippedImage> skipped,
        IReadOnlyDictionary<string, string?> truth, IReadOnlyList<string> classes, int k)
    {
        var document = new
        {
            run,
            classes,
            predictions = predictions.Select(p => new
            {
                path = p.Path,
                trueLabel = truth.GetValueOrDefault(p.Path),
                predicted = p.ClassName,
                probability = p.Probabilities[p.Class],
                topK = p.TopK(k).Select(t => new { @class = classes[t.Class], probability = t.Probability }),
                probabilities = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => p.Probabilities[x.i]),
                forwardMs = p.ForwardMilliseconds,
                totalMs = p.TotalMilliseconds,
            }),
            skipped = skipped.Select(s => new { path = s.Path, reason = s.Reason }),
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>
    /// CSV (RFC 4180): <c>path,true_label,predicted,probability,top_k,p_&lt;class&gt;...,forward_ms,error</c>; top_k is
    /// "class:p;class:p" most probable first; a skipped image has only path, true_label and error.
    /// </summary>
    internal static string Csv(IReadOnlyList<ImagePrediction> predictions, IReadOnlyList<SkippedImage> skipped,
        IReadOnlyDictionary<string, string?> truth, IReadOnlyList<string> classes, int k)
    {
        var sb = new StringBuilder();
        sb.Append(CsvLine(["path", "true_label", "predicted", "probability", "top_k", .. classes.Select(c => "p_" + c), "forward_ms", "error"]));
        foreach (var p in predictions)
            sb.Append(CsvLine([p.Path, truth.GetValueOrDefault(p.Path) ?? "", p.ClassName, F(p.Probabilities[p.Class], "R"),
                string.Join(';', p.TopK(k).Select(t => $"{classes[t.Class]}:{F(t.Probability, "F6")}")),
                .. p.Probabilities.Select(v => F(v, "R")), F(p.ForwardMilliseconds, "F3"), ""]));
        foreach (var s in skipped)
            sb.Append(CsvLine([s.Path, truth.GetValueOrDefault(s.Path) ?? "", "", "", "", .. classes.Select(_ => ""), "", s.Reason]));
        return sb.ToString();
    }

    /// <summary>
    /// A Spectre table on a terminal; otherwise plain text in aligned columns, one line per image, never wrapped (a
    /// log or a pipe gets whole paths).
    /// </summary>
    private static void Table(IAnsiConsole console, IReadOnlyList<ImagePrediction> predictions, IReadOnlyDictionary<string, string?> truth,
        IReadOnlyList<string> classes, int k)
    {
        var withTruth = predictions.Any(p => truth.GetValueOrDefault(p.Path) is not null);
        var perClass = k == 0 && classes.Count <= 6;
        var header = new List<string> { "image" };
        if (withTruth) header.Add("true");
        header.Add("predicted");
        if (perClass) header.AddRange(classes);
        else header.Add(k == 0 ? "classes by probability" : $"top {k}");
        header.Add("forward ms");
        var rows = predictions.Select(p =>
        {
            var row = new List<string> { p.Path };
            if (withTruth) row.Add(truth.GetValueOrDefault(p.Path) ?? "");
            row.Add(p.ClassName);
            if (perClass) row.AddRange(p.Probabilities.Select(v => F(v, "F3")));
            else row.Add(TopText(p, classes, k));
            row.Add(F(p.ForwardMilliseconds, "F1"));
            return row;
        }).ToList();
        if (!console.Profile.Capabilities.Interactive)
        {
            var widths = header.Select((h, c) => rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
            string Line(IReadOnlyList<string> cells) => string.Join("  ", cells.Select((v, c) => c == cells.Count - 1 ? v : v.PadRight(widths[c]))).TrimEnd();
            var text = new StringBuilder().Append(Line(header)).Append('\n');
            foreach (var r in rows) text.Append(Line(r)).Append('\n');
            console.Profile.Out.Writer.Write(text.ToString());
            console.Profile.Out.Writer.Flush();
            return;
        }
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in header) table.AddColumn(new TableColumn(Markup.Escape(h)));
        foreach (var r in rows) table.AddRow([.. r.Select(Markup.Escape)]);
        console.Write(table);
    }
}
