using MedLearn.Methods.Supervised;
using MedLearn.Training;
using Spectre.Console;

namespace MedLearn.Cli.Rendering;

/// <summary>
/// Runs a classification run under a live display (progress bar on a terminal, plain lines in logs), turns
/// Ctrl-C and SIGTERM into a checkpointed stop, and prints the summary table. Exit codes: 0 done, 1 diverged, 2 bad input,
/// 130 cancelled.
/// </summary>
internal static class ClassificationSession
{
    public delegate ClassificationRun Work(IEnumerable<ITrainingCallback> callbacks, IProgress<RunPhase> phases, CancellationToken cancellation);

    public static int Run(string command, Work work, string resumeHint)
    {
        var console = AnsiConsole.Console;
        using var signals = new StopSignals(console, "stopping after the current batch (saving a checkpoint)...");
        var phase = RunPhase.PreparingData;
        try
        {
            ClassificationRun? run = null;
            void Execute(ProgressContext? context)
            {
                var display = new TrainingProgressDisplay(console, context);
                var phases = new SynchronousProgress<RunPhase>(p =>
                {
                    phase = p;
                    console.MarkupLineInterpolated($"[grey]{Describe(p)}[/]");
                });
                run = work([display], phases, signals.Token);
            }
            if (console.Profile.Capabilities.Interactive)
                console.Progress().AutoClear(true).HideCompleted(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(Execute);
            else
                Execute(null);
            return Summarise(console, run!, resumeHint);
        }
        catch (OperationCanceledException e)
        {
            return Interrupted(console, phase, (e as RunInterruptedException)?.RunPath, resumeHint);
        }
        catch (Exception e) when (CliErrors.IsUserError(e))
        {
            return CliErrors.Report(console, command, e);
        }
    }

    /// <summary>
    /// A stop after training (while evaluating, timing or writing the report): training finished and its checkpoints
    /// are on disk, but metrics.json and the report are not (or not all) written. Exit 130 and say how to finish;
    /// resuming a run whose training is complete skips straight to the evaluation.
    /// </summary>
    internal static int Interrupted(IAnsiConsole console, RunPhase phase, string? runPath, string resumeHint)
    {
        var where = phase >= RunPhase.Evaluating
            ? $"interrupted while {Describe(phase)}: training had finished and its checkpoints are saved, but the evaluation and report are incomplete"
            : $"interrupted while {Describe(phase)}";
        console.MarkupLineInterpolated($"[yellow]{where}[/]");
        if (runPath is not null) console.MarkupLineInterpolated($"run folder: [bold]{runPath}[/]");
        console.MarkupLineInterpolated($"finish with: {string.Format(System.Globalization.CultureInfo.InvariantCulture, resumeHint, runPath ?? "<run folder>")}");
        return 130;
    }

    private static string Describe(RunPhase phase) => phase switch
    {
        RunPhase.PreparingData => "reading and splitting the data",
        RunPhase.BuildingModel => "building the model",
        RunPhase.Training => "training",
        RunPhase.Evaluating => "evaluating the best model on the held-out split",
        RunPhase.MeasuringLatency => "measuring per-image inference latency",
        RunPhase.CheckingImages => "checking that every image can be read",
        _ => "writing metrics, predictions and the report",
    };

    private static int Summarise(IAnsiConsole console, ClassificationRun run, string resumeHint)
    {
        console.MarkupLineInterpolated($"run folder: [bold]{run.Directory.Path}[/]");
        WriteSkipped(console, run.Skipped);
        switch (run.Training.Status)
        {
            case TrainingStatus.Cancelled:
                console.MarkupLineInterpolated($"resume with: {string.Format(System.Globalization.CultureInfo.InvariantCulture, resumeHint, run.Directory.Path)}");
                return 130;
            case TrainingStatus.Diverged:
                return 1;
        }
        if (run.Evaluation is null && MedLearn.Torch.Distributed.ProcessGroup.Default is { Rank: > 0 } group)
        {
            // Shown by the --nproc launcher (other ranks' stderr), so a user sees that this rank did not evaluate.
            Console.Error.WriteLine($"rank {group.Rank}: training finished; rank 0 evaluates the model and writes the run folder");
            return 0;
        }
        if (run.Evaluation is { } metrics)
            console.Write(MetricsTable.Create(metrics, run.Latency, $"{run.EvaluatedSplit} split", ClassifierManifest.IsOrdinal(run.Directory.Path)));
        console.MarkupLineInterpolated($"report: [bold]{run.Directory.ReportPath}[/]");
        return 0;
    }

    /// <summary>The images left out under on-error skip (first ten named), where the full list is.</summary>
    internal static void WriteSkipped(IAnsiConsole console, IReadOnlyList<MedLearn.Data.Loading.SkippedImage> skipped, string where = "run.json, metrics.json and report.html")
    {
        if (skipped.Count == 0) return;
        console.MarkupLineInterpolated($"[yellow]skipped {skipped.Count} unreadable image{(skipped.Count == 1 ? "" : "s")} (on-error skip; listed in {where}):[/]");
        foreach (var s in skipped.Take(10)) console.MarkupLineInterpolated($"[yellow]  {s.Path} ({s.Phase}): {s.Reason}[/]");
        if (skipped.Count > 10) console.MarkupLineInterpolated($"[yellow]  ... and {skipped.Count - 10} more[/]");
    }
}
