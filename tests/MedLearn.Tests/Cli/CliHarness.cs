using MedLearn.Cli;
using MedLearn.Cli.Rendering;
using MedLearn.Data.Writers;
using MedLearn.Torch;

namespace MedLearn.Tests.Cli;

/// <summary>Shared pieces of the command-line tests: running <c>medlearn</c> in-process with its output captured, and a tiny two-class image folder.</summary>
internal static class CliHarness
{
    /// <summary>
    /// Runs <see cref="Program.Run"/> with <paramref name="args"/> on the console of a redirected stdout; returns the exit
    /// code and everything written to the console (plain text: no ANSI codes, not interactive, not wrapped). The console
    /// is restored afterwards.
    /// </summary>
    public static (int Code, string Out) Run(params string[] args) => Capture(() => Program.Run(args));

    /// <summary>Runs <paramref name="body"/> with the console captured like <see cref="Run"/>.</summary>
    public static (int Code, string Out) Capture(Func<int> body)
    {
        var original = Console.Out;
        using var writer = new StringWriter();
        Console.SetOut(writer);
        try
        {
            // The console of a redirected stdout (a log file), as Program.Main sets it up.
            Spectre.Console.AnsiConsole.Console = ConsoleSetup.Create(writer, redirected: true, columns: null);
            var code = body();
            return (code, writer.ToString());
        }
        finally
        {
            Console.SetOut(original);
            Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings());
        }
    }

    /// <summary>
    /// Trains a one-epoch small-cnn run on <paramref name="data"/> into <paramref name="runs"/> (16 px crops after resizing
    /// to <paramref name="resizeSize"/>, fp32, half the images for validation, no test split, no bootstrap or explanations)
    /// and returns its folder: a finished run in a few seconds for the commands that read runs.
    /// </summary>
    public static string TrainTinyClassifier(string data, string runs, int resizeSize = 18)
    {
        var (code, output) = Run("train", "classify", "--data", data, "--model", "small-cnn", "--epochs", "1", "--image-size", "16", "--workers", "0",
            "--precision", "fp32", "--out", runs, "--set", $"resize-size={resizeSize}", "--set", "bootstrap-samples=0", "--set", "latency-images=1",
            "--set", "explain-samples=0", "--set", "batch-size=4", "--set", "split=[0.5, 0.5, 0]");
        Assert.True(code == 0, output);
        return Directory.GetDirectories(runs).Single();
    }

    /// <summary>
    /// Writes <paramref name="perClass"/> random RGB PNGs of <paramref name="size"/> px to each of the folders
    /// <c>data/a</c> (values 0-100) and <c>data/b</c> (150-250): two classes a network separates in one epoch.
    /// </summary>
    public static void WriteTwoClassImages(string data, int perClass, int size, ulong seed)
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(seed);
        foreach (var (cls, offset) in new[] { ("a", 0), ("b", 150) })
        {
            Directory.CreateDirectory(Path.Combine(data, cls));
            for (var i = 0; i < perClass; i++)
                PngWriter.Write((torch.Rand([3, size, size]) * 100 + offset).To(DType.UInt8), Path.Combine(data, cls, $"{cls}{i}.png"));
        }
    }
}
