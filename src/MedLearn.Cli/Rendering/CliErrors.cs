using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Runs;
using Spectre.Console;

namespace MedLearn.Cli.Rendering;

/// <summary>
/// Which exceptions are the user's input at fault (bad data, config, files, options) — printed as one clear
/// line with exit code 2 — as opposed to bugs, which keep their stack trace.
/// </summary>
internal static class CliErrors
{
    public static bool IsUserError(Exception e) => e is DatasetException or LoaderException or ConfigException or RunFileException
        or IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException or NotSupportedException
        or Models.PretrainedWeightsException or MedLearn.Export.Onnx.OnnxExportException
        or MedLearn.Export.TorchScript.TorchScriptExportException;

    public static int Report(IAnsiConsole console, string command, Exception e)
    {
        console.MarkupLineInterpolated($"[red]{command}: {e.Message}[/]");
        if (e is DatasetException { Problems.Count: > 1 } d)
            foreach (var p in d.Problems) console.MarkupLineInterpolated($"[red]  - {p}[/]");
        return 2;
    }
}
