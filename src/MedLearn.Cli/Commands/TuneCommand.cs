using System.CommandLine;
using System.Globalization;
using MedLearn.Cli.Rendering;
using MedLearn.Methods.Gmic;
using MedLearn.Runs;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary>
/// <c>medlearn tune gmic</c>: random search over GMIC's learning rate, beta and t (log-uniform), each trial a run folder
/// under <c>--out</c>, scored on the validation split; rerunning the same command continues the search.
/// </summary>
internal static class TuneCommand
{
    public static Command Create() => new("tune", "Hyper-parameter search (one run folder per trial; rerun to continue).")
    {
        CreateGmic(),
    };

    private static Command CreateGmic()
    {
        var data = new Option<string?>("--data") { Description = "CSV manifest or folder, as for `train gmic`." };
        var config = new Option<string?>("--config") { Description = "YAML of the trials' training settings (keys of `train gmic`)." };
        var trials = new Option<int?>("--trials") { Description = "Number of trials (default 8)." };
        var seed = new Option<ulong?>("--seed") { Description = "Seed of the search's draws (default 0)." };
        var output = new Option<string?>("--out") { Description = "Folder of the search (default tune/)." };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs per trial." };
        var set = new Option<string[]>("--set") { Description = "Any training setting of the trials as key=value (e.g. --set image-height=736); repeatable.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("gmic", "Random search over GMIC's lr, beta and t on log scales, scored on the validation split.")
        {
            data, config, trials, seed, output, epochs, set,
        };
        command.SetAction(parse =>
        {
            var console = AnsiConsole.Console;
            try
            {
                var assignments = new List<string>();
                if (parse.GetValue(data) is { } d) assignments.Add($"data={TrainCommand.Quote(d)}");
                if (parse.GetValue(epochs) is { } e) assignments.Add(string.Create(CultureInfo.InvariantCulture, $"epochs={e}"));
                assignments.AddRange(parse.GetValue(set) ?? []);
                var defaults = new GmicTrainingOptions();
                var fromFile = parse.GetValue(config) is { } path ? ConfigBinder.Load(path, defaults) : defaults;
                var options = new GmicTuneOptions
                {
                    Base = ConfigBinder.ApplyOverrides(fromFile, assignments),
                    Trials = parse.GetValue(trials) ?? 8,
                    Seed = parse.GetValue(seed) ?? 0,
                    Out = parse.GetValue(output) ?? "tune",
                };
                var report = new SynchronousProgress<GmicTrial>(t => console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"trial {t.Trial}: lr {t.LearningRate:G3} beta {t.Beta:G3} t {t.TopTPercent:G3} -> {t.Monitor} {(t.Score is { } s ? s.ToString("0.0000", CultureInfo.InvariantCulture) : "n/a")} ({t.RunFolder})")));
                GmicTuning.Run(options, report);
                console.MarkupLineInterpolated($"results: [bold]{Path.Combine(options.Out, "tune.csv")}[/]");
                return 0;
            }
            catch (Exception e) when (CliErrors.IsUserError(e))
            {
                return CliErrors.Report(console, "tune gmic", e);
            }
        });
        return command;
    }
}
