using System.CommandLine;
using Spectre.Console;

namespace MedLearn.Cli.Rendering;

/// <summary>
/// <c>--resume RUN</c> continues a run with the settings recorded in its folder (config.resolved.yaml): any other
/// setting flag given with it would be silently ignored, so it is refused (exit code 2) naming the flags.
/// </summary>
internal static class ResumeFlags
{
    /// <summary>Null when none of <paramref name="settings"/> was given on the command line, else the exit code after printing the error.</summary>
    public static int? Refuse(ParseResult parse, string command, IEnumerable<Option> settings)
    {
        var given = settings.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
        if (given.Count == 0) return null;
        return CliErrors.Report(AnsiConsole.Console, command, new ArgumentException(
            $"--resume continues the run with the settings recorded in its folder; {string.Join(", ", given)} cannot be combined with it " +
            "(start a new run to change settings)"));
    }
}
