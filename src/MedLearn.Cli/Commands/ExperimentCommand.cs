using System.CommandLine;
using System.Globalization;
using MedLearn.Cli.Rendering;
using MedLearn.Experiments;
using MedLearn.Methods.SemiSupervised;
using MedLearn.Runs;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary>
/// <c>medlearn experiment label-sweep</c>: trains supervised and semi-supervised runs over a grid of labeled
/// fractions, methods and seeds (identical split and labeled subset per seed for every method) and writes a comparison
/// report. Shared settings: defaults of <c>train semi</c>, then <c>--config</c>, then the flags, then <c>--set</c>.
/// Rerunning the same command continues: finished cells are skipped, an interrupted one resumes.
/// </summary>
internal static class ExperimentCommand
{
    public static Command Create() => new("experiment", "Experiments over many runs (one run folder per cell).")
    {
        CreateLabelSweep(),
    };

    private static Command CreateLabelSweep()
    {
        var data = new Option<string>("--data") { Description = "Folder root/<class>/<image> or CSV manifest.", Required = true };
        var fractions = new Option<string>("--fractions") { Description = "Labeled fractions, comma-separated (default 0.05,0.1,0.2,1.0).", DefaultValueFactory = _ => "0.05,0.1,0.2,1.0" };
        var methods = new Option<string>("--methods") { Description = "Methods, comma-separated: supervised, mean-teacher, src-mt (default supervised,src-mt).", DefaultValueFactory = _ => "supervised,src-mt" };
        var seeds = new Option<int>("--seeds") { Description = "Number of seeds (0 .. n-1; default 3).", DefaultValueFactory = _ => 3 };
        var firstSeed = new Option<ulong>("--first-seed") { Description = "First seed (default 0).", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Sweep folder: cells/, sweep.json, sweep.csv, report.html.", Required = true };
        var config = new Option<string?>("--config") { Description = "YAML file of shared settings (keys of train semi); flags override it." };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs of every cell." };
        var model = new Option<string?>("--model") { Description = "Backbone (default densenet121)." };
        var weights = new Option<string?>("--weights") { Description = "Pretrained state_dict for every cell." };
        var imageSize = new Option<int?>("--image-size") { Description = "Network input size." };
        var lr = new Option<double?>("--lr") { Description = "Learning rate." };
        var precision = new Option<string?>("--precision") { Description = "auto, fp32 or bf16." };
        var workers = new Option<int?>("--workers") { Description = "Background loader threads." };
        var set = new Option<string[]>("--set") { Description = "Any shared setting as key=value; repeatable.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("label-sweep", "Metric vs labeled fraction for supervised-only and semi-supervised methods, over seeds, with paired tests.")
        {
            data, fractions, methods, seeds, firstSeed, output, config, epochs, model, weights, imageSize, lr, precision, workers, set,
        };
        command.SetAction(parse =>
        {
            var console = AnsiConsole.Console;
            LabelSweepOptions options;
            try
            {
                var assignments = new SettingAssignments();
                assignments.Set("data", parse.GetValue(data));
                assignments.Set("epochs", parse.GetValue(epochs));
                assignments.Set("model", parse.GetValue(model));
                assignments.Set("weights", parse.GetValue(weights));
                assignments.Set("image-size", parse.GetValue(imageSize));
                assignments.Set("learning-rate", parse.GetValue(lr));
                assignments.Set("precision", parse.GetValue(precision));
                assignments.Set("workers", parse.GetValue(workers));
                assignments.AddRange(parse.GetValue(set) ?? []);
                var defaults = new SemiSupervisedTrainingOptions();
                var fromFile = parse.GetValue(config) is { } path ? ConfigBinder.Load(path, defaults) : defaults;
                options = new LabelSweepOptions
                {
                    Base = ConfigBinder.ApplyOverrides(fromFile, assignments),
                    Fractions = ParseFractions(parse.GetValue(fractions)!),
                    Methods = [.. Split(parse.GetValue(methods)!).Select(SemiSupervisedTraining.ParseMethod)],
                    Seeds = parse.GetValue(seeds),
                    FirstSeed = parse.GetValue(firstSeed),
                    Out = parse.GetValue(output)!,
                };
            }
            catch (Exception e) when (CliErrors.IsUserError(e) || e is FormatException)
            {
                return CliErrors.Report(console, "experiment label-sweep", e);
            }
            return Run(console, options);
        });
        return command;
    }

    private static IEnumerable<string> Split(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static IReadOnlyList<double> ParseFractions(string text) =>
        [.. Split(text).Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var f)
            ? f : throw new FormatException($"fractions: '{t}' is not a number (e.g. --fractions 0.05,0.1,0.2,1.0)"))];

    private static int Run(IAnsiConsole console, LabelSweepOptions options)
    {
        using var signals = new StopSignals(console, "stopping after the current batch (saving the cell's checkpoint)...");
        try
        {
            var events = new SynchronousProgress<LabelSweepEvent>(e =>
            {
                var prefix = e.Cell is null ? "" : $"[{e.Index + 1}/{e.Count}] ";
                switch (e.Kind)
                {
                    case LabelSweepEventKind.Warning: console.MarkupLineInterpolated($"[yellow]{prefix}warning: {e.Message}[/]"); break;
                    case LabelSweepEventKind.CellFailed: console.MarkupLineInterpolated($"[red]{prefix}{e.Message}[/]"); break;
                    case LabelSweepEventKind.CellFinished or LabelSweepEventKind.CellSkipped: console.MarkupLineInterpolated($"[green]{prefix}{e.Message}[/]"); break;
                    case LabelSweepEventKind.ReportWritten: break;
                    default: console.MarkupLineInterpolated($"[bold]{prefix}{e.Message}[/]"); break;
                }
            });
            var result = LabelSweep.Run(options, _ => [new TrainingProgressDisplay(console, null)], events, signals.Token);
            Summarise(console, result);
            if (result.Cancelled)
            {
                console.MarkupLine("[yellow]sweep stopped; rerun the same command to continue (finished cells are kept, the interrupted one resumes)[/]");
                return 130;
            }
            return result.Summary.Cells.Any(c => c.Status != "completed") ? 1 : 0;
        }
        catch (Exception e) when (CliErrors.IsUserError(e))
        {
            return CliErrors.Report(console, "experiment label-sweep", e);
        }
    }

    private static void Summarise(IAnsiConsole console, LabelSweepResult result)
    {
        var s = result.Summary;
        foreach (var metric in s.HeadlineMetrics)
        {
            var table = new Table().Border(TableBorder.Rounded).Title($"[bold]test {LabelSweepSummary.Describe(metric)}[/] (mean ± sd over seeds)");
            table.AddColumn("labeled");
            foreach (var m in s.Methods) table.AddColumn(new TableColumn(m).RightAligned());
            foreach (var f in s.Fractions)
                table.AddRow([string.Create(CultureInfo.InvariantCulture, $"{f * 100:0.##}%"), .. s.Methods.Select(m => s.Aggregate(f, m, metric) is { Values.Count: > 0 } a
                    ? string.Create(CultureInfo.InvariantCulture, $"{a.Mean:0.000} ± {(double.IsNaN(a.Std) ? 0 : a.Std):0.000} (n={a.Values.Count})") : "—")]);
            console.Write(table);
        }
        foreach (var line in s.Conclusions) console.MarkupLineInterpolated($"{line}");
        console.MarkupLineInterpolated($"report: [bold]{result.ReportPath}[/]");
    }
}
