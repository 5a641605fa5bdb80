using System.CommandLine;
using System.Globalization;
using MedLearn.Cli.Rendering;
using MedLearn.Methods.Gmic;
using MedLearn.Methods.Supervised;
using MedLearn.Runs;
using MedLearn.Training;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary>
/// <c>medlearn train gmic</c>: GMIC (method 2) trained end to end into a new run folder, with the conventions of
/// <c>train classify</c>: defaults, then <c>--config run.yaml</c>, then the flags, then <c>--set key=value</c>; live
/// progress, Ctrl-C saves a checkpoint, <c>--resume RUN</c> continues. Exit codes: 0 done, 1 diverged, 2 bad input,
/// 130 cancelled.
/// </summary>
internal static class GmicCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "CSV manifest (path,label[,mask]; e.g. labels.csv of `data synth mammo`) or folder root/<class>/<image>. The first class is the negative one." };
        var config = new Option<string?>("--config") { Description = "YAML file of settings (keys as in config.resolved.yaml); flags override it." };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs (default 30)." };
        var seed = new Option<ulong?>("--seed") { Description = "Seed of weights, split and data order (default 0)." };
        var output = new Option<string?>("--out") { Description = "Folder the run folder is created in (default runs/)." };
        var name = new Option<string?>("--name") { Description = "Label in the run folder's name (default gmic)." };
        var batch = new Option<int?>("--batch-size") { Description = "Training batch size (default 2)." };
        var lr = new Option<double?>("--lr") { Description = "Adam learning rate (default 1e-5)." };
        var beta = new Option<double?>("--beta") { Description = "Weight of the saliency maps' L1 term (default 10^-4.5)." };
        var topT = new Option<double?>("--top-t") { Description = "t of the top-t% aggregation, in (0, 1] (default 0.02)." };
        var patches = new Option<int?>("--patches") { Description = "K, patches per image (default 6)." };
        var crop = new Option<int?>("--crop-size") { Description = "Patch size in input pixels (default 256)." };
        var size = new Option<string?>("--image-size") { Description = "Network input HEIGHTxWIDTH (default 2944x1920)." };
        var preprocessing = new Option<string?>("--preprocessing") { Description = "resize (default) or screening (laterality flip, breast crop, fixed-size placement)." };
        var precision = new Option<string?>("--precision") { Description = "auto (default: channels-last + bf16 where the CPU has it), fp32 or bf16." };
        var workers = new Option<int?>("--workers") { Description = "Background loader threads (default 1)." };
        var onError = new Option<string?>("--on-error") { Description = "Unreadable images: fail (default) or skip." };
        var resume = new Option<string?>("--resume") { Description = "Continue an interrupted run folder from its last checkpoint." };
        var set = new Option<string[]>("--set") { Description = "Any setting as key=value (e.g. --set monitor=val_auc); repeatable.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("gmic", "GMIC: weakly supervised full-resolution screening classifier with saliency maps and patches.")
        {
            data, config, epochs, seed, output, name, batch, lr, beta, topT, patches, crop, size, preprocessing, precision, workers, onError, resume, set,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(resume) is { } resumeDir)
                return ResumeFlags.Refuse(parse, "train gmic", command.Options.Where(o => o != resume)) ?? Execute(null, resumeDir);
            var assignments = new SettingAssignments();
            assignments.Set("data", parse.GetValue(data));
            assignments.Set("epochs", parse.GetValue(epochs));
            assignments.Set("seed", parse.GetValue(seed));
            assignments.Set("out", parse.GetValue(output));
            assignments.Set("name", parse.GetValue(name));
            assignments.Set("batch-size", parse.GetValue(batch));
            assignments.Set("learning-rate", parse.GetValue(lr));
            assignments.Set("beta", parse.GetValue(beta));
            assignments.Set("top-t-percent", parse.GetValue(topT));
            assignments.Set("patches", parse.GetValue(patches));
            assignments.Set("crop-size", parse.GetValue(crop));
            assignments.Set("preprocessing", parse.GetValue(preprocessing));
            assignments.Set("precision", parse.GetValue(precision));
            assignments.Set("workers", parse.GetValue(workers));
            assignments.Set("on-error", parse.GetValue(onError));
            if (parse.GetValue(size) is { } hw)
            {
                var parts = hw.Split('x', 'X');
                if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var h) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var w))
                    return CliErrors.Report(AnsiConsole.Console, "train gmic", new ArgumentException($"--image-size: expected HEIGHTxWIDTH, e.g. 736x480 (got '{hw}')"));
                assignments.Set("image-height", (int?)h);
                assignments.Set("image-width", (int?)w);
            }
            assignments.AddRange(parse.GetValue(set) ?? []);
            return Execute(() =>
            {
                var defaults = new GmicTrainingOptions();
                var fromFile = parse.GetValue(config) is { } path ? ConfigBinder.Load(path, defaults) : defaults;
                return ConfigBinder.ApplyOverrides(fromFile, assignments);
            }, null);
        });
        return command;
    }

    private static int Execute(Func<GmicTrainingOptions>? options, string? resumeDir)
    {
        var console = AnsiConsole.Console;
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var display = new TrainingProgressDisplay(console, null);
            var phases = new SynchronousProgress<RunPhase>(p => console.MarkupLineInterpolated($"[grey]{p}[/]"));
            var run = options is not null
                ? GmicTraining.Run(options(), [display], phases, cts.Token)
                : GmicTraining.Resume(resumeDir!, [display], phases, cts.Token);
            console.MarkupLineInterpolated($"run folder: [bold]{run.Directory.Path}[/]");
            switch (run.Training.Status)
            {
                case TrainingStatus.Cancelled:
                    console.MarkupLineInterpolated($"resume with: medlearn train gmic --resume {run.Directory.Path}");
                    return 130;
                case TrainingStatus.Diverged:
                    return 1;
            }
            if (run.Summary is { } s)
                foreach (var line in SummaryLines(s)) console.WriteLine(line);
            return 0;
        }
        catch (Exception e) when (CliErrors.IsUserError(e))
        {
            return CliErrors.Report(console, "train gmic", e);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The metrics of a GMIC summary, one line per output, then breast level, hybrid and localisation.</summary>
    internal static IEnumerable<string> SummaryLines(GmicSummary s)
    {
        var where = s.Split is "test" or "val" ? s.Split + " split" : s.Split; // an evaluation names its data instead
        foreach (var o in s.Outputs)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{where}, {s.Images} images, output '{o.Name}' ({o.Positives} positive): AUC {Format(o.Auc.Estimate)} (95% CI {Format(o.Auc.Lower)}-{Format(o.Auc.Upper)}), global {Format(o.AucGlobal)}, local {Format(o.AucLocal)}");
        if (s.Breasts is { } b)
            foreach (var o in b.Outputs)
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"breast level, {b.Breasts} breasts (CC+MLO averaged; {b.Skipped} skipped, {b.SingleView} single-view, missing-views {b.MissingViews}), output '{o.Name}' ({o.Positives} positive): AUC {Format(o.Auc.Estimate)} (95% CI {Format(o.Auc.Lower)}-{Format(o.Auc.Upper)})");
        if (s.Hybrid is { } h)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"hybrid {h.Lambda} * reader + {1 - h.Lambda} * model ({h.Level} level, output '{h.Output}', {h.Cases} cases, {h.Positives} positive): AUC {Format(h.Auc.Estimate)} (95% CI {Format(h.Auc.Lower)}-{Format(h.Auc.Upper)}); model alone {Format(h.AucModel)}, reader alone {Format(h.AucReader)}");
        if (s.Localisation is { } l)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"localisation on {l.Images} positive images: peak hit rate {l.PeakHitRate:0.000}, patch hit rate {l.PatchHitRate:0.000}, Dice@{l.DiceThreshold} {l.MeanDice:0.000}");
    }

    private static string Format(double? v) => v is { } x ? x.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
}
