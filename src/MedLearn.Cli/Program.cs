using System.CommandLine;
using MedLearn.Cli.Commands;
using MedLearn.Cli.Distributed;
using MedLearn.Cli.Rendering;
using Spectre.Console;
using MedLearn.Torch;
using MedLearn.Torch.Distributed;

namespace MedLearn.Cli;

internal static class Program
{
    internal static int Main(string[] args)
    {
        Spectre.Console.AnsiConsole.Console = ConsoleSetup.ForProcess();
        return Run(args);
    }

    /// <summary>Parses and runs <paramref name="args"/> on the current <see cref="Spectre.Console.AnsiConsole.Console"/> (tests set their own).</summary>
    internal static int Run(string[] args)
    {
        // Distributed training (docs/distributed.md): --nproc starts the workers; a worker (WORLD_SIZE > 1) joins first.
        LaunchFlags flags;
        try
        {
            flags = LaunchFlags.Parse(args);
        }
        catch (ArgumentException e)
        {
            Spectre.Console.AnsiConsoleExtensions.WriteLine(Spectre.Console.AnsiConsole.Console, $"medlearn: {e.Message}");
            return ExitCodes.UsageOrData;
        }
        flags.ExportDataParallelOptions();
        var training = flags.Rest.FirstOrDefault() == "train";
        if (flags.NProc is not null)
        {
            if (!training)
            {
                Spectre.Console.AnsiConsoleExtensions.WriteLine(Spectre.Console.AnsiConsole.Console, "medlearn: --nproc applies to training commands (medlearn train classify|semi|gmic|segment ... --nproc N)");
                return ExitCodes.UsageOrData;
            }
            return WorkerLauncher.Run(flags);
        }
        if (training && DistributedOptions.IsDistributedEnvironment())
        {
            RankSetup rank;
            try
            {
                rank = RankSetup.Join(flags.Rest);
            }
            catch (Exception e) when (e is TorchException or ArgumentException or IOException)
            {
                Spectre.Console.AnsiConsoleExtensions.WriteLine(Spectre.Console.AnsiConsole.Console, $"medlearn: could not join the distributed job: {e.Message}");
                return e is ArgumentException ? ExitCodes.UsageOrData : ExitCodes.Failed;
            }
            using (rank) return Parse(rank.Arguments);
        }
        return Parse(flags.Rest);
    }

    private static int Parse(string[] args)
    {
        var root = new RootCommand("MedLearn: label-efficient medical image deep learning on libtorch.")
        {
            DoctorCommand.Create(),
            DemoCommand.Create(),
            DataCommand.Create(),
            TrainCommand.Create(),
            TuneCommand.Create(),
            ExperimentCommand.Create(),
            EvaluateCommand.Create(),
            PredictCommand.Create(),
            ExportCommand.Create(),
            ReportCommand.Create(),
            SegmentCommand.CreateTools(),
            ExplainCommand.Create(),
            ServeCommand.Create(),
            ProfileCommand.Create(),
        };
        // --version prints MedLearnInfo.Version (the one version source), not the entry assembly's version.
        foreach (var option in root.Options.OfType<VersionOption>()) option.Action = new PrintVersion();
        var parsed = root.Parse(args);
        int code;
        try
        {
            code = parsed.Invoke(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (NativeLoadFailure(e) is { } load)
        {
            // libtorch (or the shim) missing: one actionable paragraph, not a stack trace; `doctor` shows the probe trace.
            var message = load.Message;
            var trace = message.IndexOf("\nProbe trace", StringComparison.Ordinal);
            Spectre.Console.AnsiConsole.Console.MarkupLineInterpolated($"[red]medlearn: {(trace < 0 ? message : message[..trace])}[/]");
            Spectre.Console.AnsiConsole.Console.MarkupLine("[red]`medlearn doctor` shows where the native library was looked for.[/]");
            return ExitCodes.Failed;
        }
        catch (Exception e)
        {
            // What System.CommandLine's default handler printed for a bug: the exception with its stack trace, exit code 1.
            Console.Error.WriteLine("Unhandled exception: " + e);
            return ExitCodes.Failed;
        }
        // One convention for every command (README "Exit codes"): a usage error (unknown flag, missing or malformed
        // value) is 2, like a data error, not System.CommandLine's default 1.
        return parsed.Errors.Count > 0 ? ExitCodes.UsageOrData : code;
    }

    /// <summary>The native-library load failure (our DllNotFoundException) inside <paramref name="e"/>'s inner exceptions, or null.</summary>
    internal static DllNotFoundException? NativeLoadFailure(Exception e)
    {
        var pending = new Stack<Exception>([e]);
        while (pending.Count > 0)
        {
            var x = pending.Pop();
            if (x is DllNotFoundException d && d.Message.StartsWith("cannot load", StringComparison.Ordinal)) return d;
            if (x is AggregateException a) foreach (var inner in a.InnerExceptions) pending.Push(inner);
            else if (x.InnerException is { } i) pending.Push(i);
        }
        return null;
    }

    private sealed class PrintVersion : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(MedLearnInfo.Version);
            return ExitCodes.Success;
        }
    }
}
