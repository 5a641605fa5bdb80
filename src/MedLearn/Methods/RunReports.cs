using MedLearn.Experiments;
using MedLearn.Methods.SemiSupervised;
using MedLearn.Methods.Supervised;
using MedLearn.Runs;

namespace MedLearn.Methods;

/// <summary>
/// <c>medlearn report --run PATH</c>: rebuilds report.html of a folder by the kind of run that made it
/// (<see cref="RunKinds"/>): a classification run's report, a semi-supervised run's (with its "Ordinal staging" and
/// "Semi-supervised training" sections), a GMIC run's (with its saliency maps and patches), an evaluation folder's, or a label sweep's comparison report.
/// </summary>
public static class RunReports
{
    /// <summary>Rewrites the report of the run or sweep folder at <paramref name="path"/>; returns the report's path.</summary>
    /// <exception cref="RunFileException">The folder is neither a run folder nor a sweep folder, its kind is unknown to this version, or a file the report needs is missing or malformed.</exception>
    public static string Rebuild(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (LabelSweep.IsSweepFolder(path)) return LabelSweep.Report(path);
        var run = RunDirectory.Open(path);
        var kind = RunKinds.Detect(run);
        return kind switch
        {
            RunKinds.Classify => ClassificationReportBuilder.Rebuild(run),
            RunKinds.Semi => SemiSupervisedReport.Rebuild(run),
            RunKinds.Gmic => Gmic.GmicReport.Rebuild(run),
            RunKinds.Evaluation => ClassificationEvaluator.Report(run),
            _ => throw new RunFileException(run.MarkerPath,
                $"{run.MarkerPath}: run kind '{kind}' is unknown to MedLearn {MedLearnInfo.Version}, which rebuilds reports of {string.Join(", ", RunKinds.All)} runs " +
                "(the run was made by another version; use that version's medlearn report)"),
        };
    }
}
