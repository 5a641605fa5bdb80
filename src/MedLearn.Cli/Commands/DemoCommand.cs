using System.CommandLine;
using MedLearn.Cli.Rendering;
using MedLearn.Data.Synthetic;
using MedLearn.Methods.Supervised;
using MedLearn.Torch.Amp;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary>
/// <c>medlearn demo</c>: the quick-start journey on bundled synthetic data. Generates the ROP-like fundus set
/// (normal, stage 1–3; deterministic in the seed), trains a small CNN for a few epochs on the CPU, evaluates the
/// best model on the held-out split, and writes a run folder with report.html — the same code path as
/// <c>medlearn train classify</c>, with settings sized for a 2-core machine.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The demo's settings: small CNN, 128 px fundus images, Adam with a cosine schedule.</summary>
    public static ClassificationTrainingOptions Settings(string data, string runs, ulong seed, int epochs, Precision precision) => new()
    {
        Data = data,
        Out = runs,
        Name = "demo-small-cnn",
        Model = "small-cnn",
        Seed = seed,
        Epochs = epochs,
        BatchSize = 32,
        Optimizer = "adam",
        LearningRate = 0.003,
        Scheduler = "cosine",
        ImageSize = 112,
        ResizeSize = 128,
        CropScale = [0.5, 1.0],
        Precision = precision,
        // ROP stages are ordered: weighted kappas and the ordinal wording, in stage order (not alphabetical by accident).
        Ordinal = true,
        ClassOrder = RopPhantomGenerator.ClassNames,
    };

    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder for the synthetic data (data/) and the run folders (runs/).", DefaultValueFactory = _ => "demo-output" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of data, split, weights and augmentation (the run is repeatable).", DefaultValueFactory = _ => 0 };
        var count = new Option<int>("--count") { Description = "Synthetic fundus images to generate (balanced over 4 stages).", DefaultValueFactory = _ => 480 };
        var size = new Option<int>("--size") { Description = "Side of the generated images in pixels.", DefaultValueFactory = _ => 128 };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 20 };
        var precision = new Option<string>("--precision") { Description = "auto (fastest safe path for this CPU), fp32 or bf16.", DefaultValueFactory = _ => "auto" };
        var command = new Command("demo", "Quick start: synthetic ROP fundus photos -> train a small CNN -> evaluate -> report.html.")
        {
            output, seed, count, size, epochs, precision,
        };
        command.SetAction(parse => Run(parse.GetValue(output)!, parse.GetValue(seed), parse.GetValue(count), parse.GetValue(size),
            parse.GetValue(epochs), parse.GetValue(precision)!));
        return command;
    }

    private static int Run(string outDir, ulong seed, int count, int size, int epochs, string precisionText)
    {
        var console = AnsiConsole.Console;
        if (count < 40 || size < 32 || epochs < 1)
        {
            console.MarkupLine("[red]demo: --count must be >= 40, --size >= 32 and --epochs >= 1[/]");
            return 2;
        }
        Precision precision;
        try
        {
            precision = PrecisionPlan.ParsePrecision(precisionText);
        }
        catch (FormatException e)
        {
            console.MarkupLineInterpolated($"[red]demo: {e.Message}[/]");
            return 2;
        }
        var data = Path.Combine(outDir, $"data-{count}x{size}-seed{seed}");
        if (!Directory.Exists(data) || Directory.GetFiles(data, "rop_*", SearchOption.AllDirectories).Length != count)
        {
            console.MarkupLineInterpolated($"generating {count} synthetic ROP fundus images ({size} px) in {data}");
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
            // Written under a temporary name, then renamed: an interrupted generation is never mistaken for a complete set.
            var temp = data + ".partial";
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            SyntheticDatasetWriter.WriteRop(temp, count, new RopPhantomOptions { Size = size, Seed = seed });
            Directory.Move(temp, data);
        }
        console.MarkupLineInterpolated($"training a small CNN on {data} (4 classes: normal, stage1, stage2, stage3)");
        var settings = Settings(data, Path.Combine(outDir, "runs"), seed, epochs, precision);
        return ClassificationSession.Run("demo", (callbacks, phases, cancellation) =>
            ClassificationTraining.Run(settings, callbacks, phases, cancellation), "medlearn train classify --resume {0}");
    }
}
