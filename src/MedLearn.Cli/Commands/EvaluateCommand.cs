using System.CommandLine;
using MedLearn.Cli.Rendering;
using MedLearn.Methods.Supervised;
using MedLearn.Torch.Amp;
using MedLearn.Training;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary><c>medlearn evaluate --run RUN --data DIR|CSV</c>: the exported model of a run on (new) labeled data.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run folder (holds model.json and model.pt).", Required = true };
        var data = new Option<string>("--data") { Description = "Folder root/<class>/<image> or CSV manifest with the run's class names.", Required = true };
        var label = new Option<string>("--label") { Description = "Label of the evaluation folder inside the run.", DefaultValueFactory = _ => "eval" };
        var workers = new Option<int>("--workers") { Description = "Loader threads.", DefaultValueFactory = _ => 2 };
        var onError = new Option<string>("--on-error") { Description = "Unreadable images: fail or skip.", DefaultValueFactory = _ => "fail" };
        onError.AcceptOnlyFromAmong("fail", "skip");
        var precision = new Option<string>("--precision") { Description = "auto, fp32 or bf16.", DefaultValueFactory = _ => "auto" };
        var missingViews = new Option<string>("--missing-views") { Description = "GMIC runs: a breast without its CC or MLO view fails (default), is skipped, or uses the available view.", DefaultValueFactory = _ => "fail" };
        missingViews.AcceptOnlyFromAmong("fail", "skip", "available");
        var readerLambda = new Option<double>("--reader-lambda") { Description = "GMIC runs: lambda of the hybrid lambda * reader + (1 - lambda) * model (default 0.5).", DefaultValueFactory = _ => 0.5 };
        var readerOutput = new Option<string?>("--reader-output") { Description = "GMIC runs: output the reader score is combined with (default the last output)." };
        var command = new Command("evaluate", "Evaluate a trained run on labeled data: metrics, predictions and a report in RUN/evaluations/.")
        {
            run, data, label, workers, onError, precision, missingViews, readerLambda, readerOutput,
        };
        command.SetAction(parse =>
        {
            var console = AnsiConsole.Console;
            if (Methods.Gmic.GmicManifest.IsGmicRun(parse.GetValue(run)!))
                return GmicEvaluateCommand.Execute(parse.GetValue(run)!, parse.GetValue(data)!, new Methods.Gmic.GmicEvaluateOptions
                {
                    Label = parse.GetValue(label)!,
                    Workers = parse.GetValue(workers),
                    OnError = parse.GetValue(onError) == "skip" ? Data.Loading.ErrorPolicy.Skip : Data.Loading.ErrorPolicy.Fail,
                    MissingViews = Enum.Parse<Methods.Gmic.MissingViewPolicy>(parse.GetValue(missingViews)!, ignoreCase: true),
                    ReaderLambda = parse.GetValue(readerLambda),
                    ReaderOutput = parse.GetValue(readerOutput),
                }, parse.GetValue(precision)!);
            try
            {
                var options = new ClassificationEvaluateOptions
                {
                    Label = parse.GetValue(label)!,
                    Workers = parse.GetValue(workers),
                    OnError = parse.GetValue(onError) == "skip" ? Data.Loading.ErrorPolicy.Skip : Data.Loading.ErrorPolicy.Fail,
                    Precision = PrecisionPlan.ParsePrecision(parse.GetValue(precision)!),
                };
                // Evaluation and latency progress on stderr (an updating line on a terminal, a line per 10% in a log).
                var evaluation = new StderrCountProgress<PhaseProgress>("evaluating", 10, " images", p => (p.Done, p.Total));
                var latency = new StderrCountProgress<PhaseProgress>("timing latency", 4, " passes", p => (p.Done, p.Total));
                var phases = new SynchronousProgress<PhaseProgress>(p =>
                {
                    if (p.Phase == ProgressPhases.Evaluation) evaluation.Report(p);
                    else
                    {
                        evaluation.Finish();
                        latency.Report(p);
                    }
                });
                ClassificationEvaluationRun result;
                try
                {
                    result = ClassificationTraining.Evaluate(parse.GetValue(run)!, parse.GetValue(data)!, options, phases: phases);
                }
                finally
                {
                    evaluation.Finish();
                    latency.Finish();
                }
                console.Write(MetricsTable.Create(result.Metrics, result.Latency, parse.GetValue(data)!, ClassifierManifest.IsOrdinal(result.Folder)));
                ClassificationSession.WriteSkipped(console, result.Skipped, "metrics.json and report.html");
                console.MarkupLineInterpolated($"written to [bold]{result.Folder}[/]");
                return 0;
            }
            catch (Exception e) when (CliErrors.IsUserError(e))
            {
                return CliErrors.Report(console, "evaluate", e);
            }
        });
        return command;
    }
}
