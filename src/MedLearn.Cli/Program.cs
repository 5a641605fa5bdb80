using System.CommandLine;
using MedLearn.Cli.Commands;
using MedLearn.Cli.Distributed;
using MedLearn.Cli.Rendering;
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
            ReportCommand.Create(),
            SegmentCommand.CreateTools(),
            ExplainCommand.Create(),
        };
        // --version prints MedLearnInfo.Version (the one version source), not the entry assembly's version.
        foreach (var option in root.Options.OfType<VersionOption>()) option.Action = new PrintVersion();
        var parsed = root.Parse(args);
        var code = parsed.Invoke();
        // One convention for every command (README "Exit codes"): a usage error (unknown flag, missing or malformed
        // value) is 2, like a data error, not System.CommandLine's default 1.
        return parsed.Errors.Count > 0 ? ExitCodes.UsageOrData : code;
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
