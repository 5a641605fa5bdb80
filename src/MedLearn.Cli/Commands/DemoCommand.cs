using System.CommandLine;

namespace MedLearn.Cli.Commands;

/// <summary><c>medlearn demo</c>: the quick-start run on bundled synthetic data.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Quick-start demo on bundled synthetic data.");
        command.SetAction(_ => 0);
        return command;
    }
}
