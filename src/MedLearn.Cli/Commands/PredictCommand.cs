using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MedLearn.Cli.Rendering;
using MedLearn.Methods.Supervised;
using MedLearn.Torch.Amp;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary><c>medlearn predict --run RUN IMAGE...</c>: class probabilities, top class and latency per image.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run folder (holds model.json and model.pt).", Required = true };
        var images = new Argument<string[]>("images") { Description = "Image files (PNG, JPEG, TIFF, BMP, DICOM, NIfTI).", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print JSON (one object with a result per image) instead of a table." };
        var precision = new Option<string>("--precision") { Description = "auto, fp32 or bf16.", DefaultValueFactory = _ => "auto" };
        var command = new Command("predict", "Classify images with a trained run.") { run, images, json, precision };
        command.SetAction(parse =>
        {
            var console = AnsiConsole.Console;
            try
            {
                using var classifier = TrainedClassifier.Load(parse.GetValue(run)!, PrecisionPlan.ParsePrecision(parse.GetValue(precision)!));
                var paths = parse.GetValue(images)!;
                var predictions = classifier.Predict(paths);
                if (parse.GetValue(json))
                {
                    var document = new
                    {
                        run = Path.GetFullPath(parse.GetValue(run)!),
                        classes = classifier.Manifest.Classes,
                        predictions = predictions.Select(p => new
                        {
                            path = p.Path,
                            predicted = p.ClassName,
                            probability = p.Probabilities[p.Class],
                            probabilities = classifier.Manifest.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => p.Probabilities[x.i]),
                            forwardMs = p.ForwardMilliseconds,
                            totalMs = p.TotalMilliseconds,
                        }),
                    };
                    Console.Out.WriteLine(JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
                    return 0;
                }
                var table = new Table().Border(TableBorder.Rounded);
                table.AddColumn("image");
                table.AddColumn("predicted");
                foreach (var c in classifier.Manifest.Classes) table.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned());
                table.AddColumn(new TableColumn("forward ms").RightAligned());
                foreach (var p in predictions)
                    table.AddRow([Markup.Escape(p.Path), $"[bold]{Markup.Escape(p.ClassName)}[/]",
                        .. p.Probabilities.Select(v => v.ToString("F3", CultureInfo.InvariantCulture)),
                        p.ForwardMilliseconds.ToString("F1", CultureInfo.InvariantCulture)]);
                console.Write(table);
                return 0;
            }
            catch (Exception e) when (CliErrors.IsUserError(e))
            {
                return CliErrors.Report(console, "predict", e);
            }
        });
        return command;
    }
}
