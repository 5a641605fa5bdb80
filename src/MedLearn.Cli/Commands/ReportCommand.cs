using System.CommandLine;
using MedLearn.Cli.Rendering;
using MedLearn.Methods;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary><c>medlearn report --run RUN</c>: rewrites report.html from the files of a finished run, by the kind of run that made it.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run folder (train classify/semi, an evaluation) or label-sweep folder.", Required = true };
        var command = new Command("report", "Rewrite a run's or a sweep's report.html from its files, by the kind of run that made it.") { run };
        command.SetAction(parse =>
        {
            var console = AnsiConsole.Console;
            try
            {
                var path = RunReports.Rebuild(parse.GetValue(run)!);
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
