using Spectre.Console;

namespace MedLearn.Cli.Rendering;

/// <summary>
/// The console every command writes to. On a terminal: Spectre's detection (colours, live progress, the terminal's
/// width). When stdout is a file or a pipe: no ANSI escape codes, no live display, and no hard wrapping — lines are as
/// wide as <c>COLUMNS</c> when it is set (a positive integer), else effectively unlimited, so logs keep one line per
/// message (one per epoch) and paths are never broken.
/// </summary>
internal static class ConsoleSetup
{
    /// <summary>Width of a redirected console without COLUMNS: wide enough that nothing is wrapped.</summary>
    public const int UnlimitedWidth = 4096;

    /// <summary>A console writing to <paramref name="output"/>.</summary>
    /// <param name="output">Where the text goes.</param>
    /// <param name="redirected">True when the output is not a terminal (a file, a pipe, a test's writer).</param>
    /// <param name="columns">The COLUMNS environment variable, or null.</param>
    public static IAnsiConsole Create(TextWriter output, bool redirected, string? columns)
    {
        if (!redirected)
        {
            var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
            if (Width(columns) is int w) terminal.Profile.Width = w;
            return terminal;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = Width(columns) ?? UnlimitedWidth;
        console.Profile.Capabilities.Links = false;
        return console;
    }

    /// <summary>The process's console: stdout, redirected or not, with the environment's COLUMNS.</summary>
    public static IAnsiConsole ForProcess() =>
        Create(Console.Out, Console.IsOutputRedirected, Environment.GetEnvironmentVariable("COLUMNS"));

    private static int? Width(string? columns) =>
        int.TryParse(columns, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var w) && w > 0 ? w : null;
}
