using System.CommandLine;
using System.Globalization;
using MedLearn.Cli.Rendering;
using MedLearn.Explain;
using MedLearn.Torch.Amp;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary>
/// <c>medlearn explain --run RUN IMAGE... --method occlusion|gradcam|gradcam++ --out DIR</c>: heat maps of a trained
/// run's predictions, written as overlay PNGs plus explanations.json / explanations.csv (with the deletion AUC).
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run folder (holds model.json and model.pt).", Required = true };
        var images = new Argument<string[]>("inputs")
        {
            Description = "Image files, folders (class folders give the true label, labels.csv, images, or a DICOM series), quoted globs or CSV manifests.",
            Arity = ArgumentArity.OneOrMore,
        };
        var onError = new Option<string>("--on-error") { Description = "Unreadable images: fail (default) or skip (listed, exit code 0).", DefaultValueFactory = _ => "fail" };
        onError.AcceptOnlyFromAmong("fail", "skip");
        var method = new Option<string>("--method") { Description = "occlusion, gradcam or gradcam++.", DefaultValueFactory = _ => "occlusion" };
        method.AcceptOnlyFromAmong([.. ExplainMethods.Names]);
        var window = new Option<int>("--window") { Description = "Occlusion window side in input pixels.", DefaultValueFactory = _ => 20 };
        var stride = new Option<int>("--stride") { Description = "Occlusion stride in input pixels.", DefaultValueFactory = _ => 4 };
        var fill = new Option<string>("--fill") { Description = "Occlusion / deletion fill: zero, mean or blur.", DefaultValueFactory = _ => "zero" };
        fill.AcceptOnlyFromAmong("zero", "mean", "blur");
        var batch = new Option<int>("--batch") { Description = "Occluded copies per forward pass.", DefaultValueFactory = _ => 16 };
        var layer = new Option<string?>("--layer") { Description = "Grad-CAM layer (default: the last feature map, e.g. layer4)." };
        var className = new Option<string?>("--class") { Description = "Class to explain (default: the predicted class)." };
        var steps = new Option<int>("--steps") { Description = "Steps of the deletion curve (0 = skip the faithfulness check).", DefaultValueFactory = _ => 20 };
        var precision = new Option<string>("--precision") { Description = "Occlusion/deletion forward passes: auto, fp32 or bf16.", DefaultValueFactory = _ => "auto" };
        var output = new Option<string>("--out") { Description = "Folder for the overlay PNGs and explanations.json/.csv.", Required = true };
        var tta = new Option<int>("--tta") { Description = "GMIC runs: views averaged per image (1 = none; 10 = the paper's test-time augmentation with crop jitter).", DefaultValueFactory = _ => 1 };
        var ttaScale = new Option<double>("--tta-min-scale") { Description = "GMIC runs: smallest crop scale of the jitter, in (0, 1].", DefaultValueFactory = _ => 0.9 };
        var seed = new Option<ulong>("--seed") { Description = "GMIC runs: seed of the test-time crop jitter.", DefaultValueFactory = _ => 0 };
        var head = new Option<string>("--head") { Description = "GMIC runs: the output reported: fusion (default), global or local.", DefaultValueFactory = _ => "fusion" };
        head.AcceptOnlyFromAmong(GmicInferenceCommands.Heads);
        var command = new Command("explain", "Explain a trained run's predictions: heat maps (occlusion, Grad-CAM, Grad-CAM++) and a deletion test; for GMIC runs its saliency maps, boxes and patches.")
        {
            run, images, method, window, stride, fill, batch, layer, className, steps, precision, output, onError, tta, ttaScale, seed, head,
        };
        command.SetAction(parse =>
        {
            var console = AnsiConsole.Console;
            try
            {
                if (Methods.Gmic.GmicManifest.IsGmicRun(parse.GetValue(run)!))
                    return GmicInferenceCommands.Explain(console, parse.GetValue(run)!, Data.Datasets.ImageInputs.Resolve(parse.GetValue(images)!),
                        GmicInferenceCommands.Options(parse.GetValue(tta), parse.GetValue(ttaScale), parse.GetValue(seed), parse.GetValue(head)!, PrecisionPlan.ParsePrecision(parse.GetValue(precision)!)),
                        parse.GetValue(onError) == "skip", parse.GetValue(output)!);
                if (parse.GetValue(steps) < 0) throw new ArgumentException($"--steps: must be >= 0 (got {parse.GetValue(steps)})");
                var settings = new ExplanationSettings
                {
                    Method = ExplainMethods.Parse(parse.GetValue(method)!),
                    Occlusion = new OcclusionOptions
                    {
                        Window = [parse.GetValue(window)],
                        Stride = [parse.GetValue(stride)],
                        Fill = Enum.Parse<OcclusionFill>(parse.GetValue(fill)!, ignoreCase: true),
                        BatchSize = parse.GetValue(batch),
                    },
                    Layer = parse.GetValue(layer),
                    ClassName = parse.GetValue(className),
                    DeletionSteps = parse.GetValue(steps),
                };
                var runPath = parse.GetValue(run)!;
                if (File.Exists(Path.Combine(runPath, Methods.Segmentation.SegmentationTraining.NetworkFileName)))
                    throw new ArgumentException($"{runPath} is a 3-D segmentation run: explain it with 'medlearn segment explain --run {runPath} --input VOLUME --out DIR [--class C] [--layer NAME]'");
                using var explainer = RunExplainer.Load(runPath, PrecisionPlan.ParsePrecision(parse.GetValue(precision)!));
                var inputs = Data.Datasets.ImageInputs.Resolve(parse.GetValue(images)!);
                var skip = parse.GetValue(onError) == "skip";
                var skipped = new Data.Loading.SkippedImages();
                var results = new List<ImageExplanation>();
                foreach (var input in inputs)
                {
                    var progress = new StderrCountProgress<ExplainProgress>($"{settings.Method.Name()} {Path.GetFileName(input.Path)}", 4, " windows", p => (p.Done, p.Total));
                    try
                    {
                        results.Add(explainer.Explain(input.Path, settings, progress) with { TrueClass = input.TrueLabel });
                    }
                    catch (Exception e) when (skip && e is IOException or InvalidDataException or Data.Datasets.DatasetException)
                    {
                        skipped.Add(input.Path, "explain", e is Data.Readers.ImageReadException r ? r.Reason : e.Message);
                    }
                    progress.Finish();
                }
                var written = ExplanationSummary.Write(parse.GetValue(output)!, results);

                var table = new Table().Border(TableBorder.Rounded);
                foreach (var column in new[] { "image", "true", "predicted", "explained class", "p", "deletion AUC", "overlay", "seconds" }) table.AddColumn(column);
                foreach (var e in written)
                    table.AddRow(Markup.Escape(Path.GetFileName(e.Path)), Markup.Escape(e.TrueClass ?? "-"), Markup.Escape(e.PredictedClass), Markup.Escape(e.TargetClass),
                        e.TargetProbability.ToString("F3", CultureInfo.InvariantCulture),
                        e.DeletionAuc is { } auc ? auc.ToString("F3", CultureInfo.InvariantCulture) : "-",
                        Markup.Escape(e.Overlay ?? ""), e.Seconds.ToString("F1", CultureInfo.InvariantCulture));
                console.Write(table);
                if (written.FirstOrDefault(e => e.Layer is not null) is { } cam) console.MarkupLineInterpolated($"Grad-CAM layer: [bold]{cam.Layer}[/]");
                ClassificationSession.WriteSkipped(console, skipped.Items, "this list");
                console.MarkupLineInterpolated($"written to [bold]{Path.GetFullPath(parse.GetValue(output)!)}[/] ({ExplanationSummary.JsonFileName}, {ExplanationSummary.CsvFileName}, {written.Count} overlays)");
                return 0;
            }
            catch (Exception e) when (CliErrors.IsUserError(e))
            {
                return CliErrors.Report(console, "explain", e);
            }
        });
        return command;
    }
}
