using System.Globalization;
using MedLearn.Cli.Rendering;
using MedLearn.Methods.Gmic;
using MedLearn.Torch.Amp;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary><c>medlearn evaluate</c> on a GMIC run: image-level, breast-level, hybrid and localisation metrics, one line each.</summary>
internal static class GmicEvaluateCommand
{
    public static int Execute(string run, string data, GmicEvaluateOptions options, string precision)
    {
        var console = AnsiConsole.Console;
        try
        {
            var result = GmicEvaluation.Evaluate(run, data, options with { Precision = PrecisionPlan.ParsePrecision(precision) });
            foreach (var line in GmicCommand.SummaryLines(result.Summary)) console.WriteLine(line);
            console.MarkupLineInterpolated($"written to [bold]{result.Folder}[/]");
            return 0;
        }
        catch (Exception e) when (CliErrors.IsUserError(e))
        {
            return CliErrors.Report(console, "evaluate", e);
        }
    }
}
