using System.CommandLine;
using MedLearn.Cli.Commands;

namespace MedLearn.Cli;

internal static class Program
{
    internal static int Main(string[] args)
    {
        var root = new RootCommand("MedLearn: label-efficient medical image deep learning on libtorch.")
        {
            DoctorCommand.Create(),
            DemoCommand.Create(),
            DataCommand.Create(),
            TrainCommand.Create(),
            ExperimentCommand.Create(),
            EvaluateCommand.Create(),
            PredictCommand.Create(),
            ReportCommand.Create(),
            SegmentCommand.CreateTools(),
            ExplainCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
