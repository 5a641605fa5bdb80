using System.CommandLine;
using MedLearn.Cli.Rendering;
using MedLearn.Methods.Supervised;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary><c>medlearn report --run RUN</c>: rewrites report.html from the files of a finished run.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run folder.", Required = true };
        var command = new Command("report", "Rewrite a run's report.html from its history, metrics and predictions.") { run };
        command.SetAction(parse =>
        {
            var console = AnsiConsole.Console;
            try
            {
                var path = ClassificationTraining.Report(parse.GetValue(run)!);
                console.MarkupLineInterpolated($"report: [bold]{path}[/]");
                return 0;
            }
            catch (Exception e) when (CliErrors.IsUserError(e))
            {
                return CliErrors.Report(console, "report", e);
            }
        });
        return command;
    }
}
