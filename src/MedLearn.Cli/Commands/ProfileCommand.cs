using System.CommandLine;
using System.Globalization;
using MedLearn.Cli.Rendering;
using MedLearn.Profiling;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using Spectre.Console;

namespace MedLearn.Cli.Commands;

/// <summary>
/// <c>medlearn profile (--model NAME | --run RUN) [--mode infer|train] [--batch N] [--size PX] [--steps N] [--warmup N]
/// [--threads N] [--precision auto|fp32|bf16] [--seed N] [--shapes] --out DIR</c>: libtorch's op profiler over what MedLearn
/// runs by default (the deployed inference path, or a trainer step), written as ops.md, ops.csv, trace.json and
/// profile.json; prints the top ops by self time.
/// </summary>
internal static class ProfileCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Registry architecture to profile, freshly initialised (e.g. resnet18)." };
        var run = new Option<string?>("--run") { Description = "Trained run folder to profile (its architecture, classes and weights)." };
        var mode = new Option<string>("--mode") { Description = "infer (one InferenceModel call) or train (one training step).", DefaultValueFactory = _ => "infer" };
        mode.AcceptOnlyFromAmong("infer", "train");
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => 1 };
        var size = new Option<int?>("--size") { Description = "Input height and width in pixels (default: the architecture's or the run's)." };
        var steps = new Option<int>("--steps") { Description = "Profiled steps.", DefaultValueFactory = _ => 10 };
        var warmup = new Option<int>("--warmup") { Description = "Unprofiled warm-up steps first.", DefaultValueFactory = _ => 3 };
        var threads = new Option<int?>("--threads") { Description = "libtorch intra-op threads (default: MEDLEARN_NUM_THREADS or all cores)." };
        var precision = new Option<string>("--precision") { Description = "auto (MedLearn's default plan for this CPU), fp32 or bf16.", DefaultValueFactory = _ => "auto" };
        var classes = new Option<int>("--classes") { Description = "Output classes of a --model network.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the initialisation, input and labels.", DefaultValueFactory = _ => 0 };
        var shapes = new Option<bool>("--shapes") { Description = "Record every op's input shapes (in trace.json; more overhead)." };
        var top = new Option<int>("--top") { Description = "Ops printed.", DefaultValueFactory = _ => 15 };
        var output = new Option<string>("--out") { Description = "Folder for ops.md, ops.csv, trace.json and profile.json.", Required = true };
        var command = new Command("profile", "Profile a model's inference call or training step op by op with libtorch's profiler.")
            { model, run, mode, batch, size, steps, warmup, threads, precision, classes, seed, shapes, top, output };
        command.SetAction(parse =>
        {
            var console = AnsiConsole.Console;
            var warm = new StderrCountProgress<ModelProfileProgress>("warm-up", 4, " steps", p => (p.Done, p.Total));
            var profiled = new StderrCountProgress<ModelProfileProgress>("profile", 4, " steps", p => (p.Done, p.Total));
            try
            {
                if (parse.GetValue(threads) is int n)
                {
                    if (n < 1) throw new ArgumentException($"--threads must be at least 1, got {n}");
                    torch.SetNumThreads(n);
                }
                var options = new ModelProfileOptions
                {
                    Model = parse.GetValue(model),
                    Run = parse.GetValue(run),
                    Mode = parse.GetValue(mode) == "train" ? ProfileMode.Train : ProfileMode.Infer,
                    Batch = parse.GetValue(batch),
                    Size = parse.GetValue(size),
                    Steps = parse.GetValue(steps),
                    Warmup = parse.GetValue(warmup),
                    Precision = PrecisionPlan.ParsePrecision(parse.GetValue(precision)!),
                    Classes = parse.GetValue(classes),
                    Seed = parse.GetValue(seed),
                    RecordShapes = parse.GetValue(shapes),
                };
                if ((options.Model is null) == (options.Run is null)) throw new ArgumentException("give exactly one of --model NAME and --run RUN");
                var outDir = parse.GetValue(output)!;
                // Checked before the (long) profiling run, not after it.
                if (File.Exists(outDir)) throw new IOException($"--out {outDir}: is a file; the profile output must be a folder");
                var result = ModelProfiler.Profile(options, new SynchronousProgress<ModelProfileProgress>(p =>
                {
                    if (p.Phase == "warm-up") warm.Report(p);
                    else
                    {
                        warm.Finish();
                        profiled.Report(p);
                    }
                }));
                warm.Finish();
                profiled.Finish();
                ModelProfileWriter.Write(outDir, result, "medlearn " + string.Join(' ', parse.Tokens.Select(t => t.Value)));
                Print(console, result, parse.GetValue(top));
                console.MarkupLineInterpolated($"profile: wrote {Path.Combine(outDir, ModelProfileWriter.OpsMarkdown)}, {ModelProfileWriter.OpsCsv}, {ModelProfileWriter.Trace} (open in https://ui.perfetto.dev), {ModelProfileWriter.Summary}");
                return 0;
            }
            catch (Exception e) when (CliErrors.IsUserError(e) || e is TorchException)
            {
                warm.Finish();
                profiled.Finish();
                return CliErrors.Report(console, "profile", e);
            }
        });
        return command;
    }

    private static void Print(IAnsiConsole console, ModelProfileResult result, int top)
    {
        var steps = result.Steps;
        var totalSelf = result.Ops.Sum(o => o.SelfNanoseconds);
        console.MarkupLineInterpolated(
            $"profile: {result.Architecture} {(result.Mode == ProfileMode.Infer ? "inference" : "training step")}, batch {result.Batch}, {result.Size} px, {result.Threads} threads: {result.StepMilliseconds.Average().ToString("F2", CultureInfo.InvariantCulture)} ms per step (profiled), ops' self time {(totalSelf / 1e6 / steps).ToString("F2", CultureInfo.InvariantCulture)} ms per step");
        console.MarkupLineInterpolated($"plan: {result.Plan}");
        var table = new Table().AddColumn("op").AddColumn(new TableColumn("calls/step").RightAligned()).AddColumn(new TableColumn("self ms/step").RightAligned())
            .AddColumn(new TableColumn("self %").RightAligned()).AddColumn(new TableColumn("total ms/step").RightAligned());
        foreach (var op in result.Ops.Take(Math.Max(top, 0)))
            table.AddRow(Markup.Escape(op.Name), F((double)op.Calls / steps, "0.##"), F(op.SelfNanoseconds / 1e6 / steps, "0.000"),
                F(totalSelf > 0 ? 100.0 * op.SelfNanoseconds / totalSelf : 0, "0.0"), F(op.TotalNanoseconds / 1e6 / steps, "0.000"));
        console.Write(table);
    }

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
