using MedLearn.Methods.Supervised;
using MedLearn.Runs;
using MedLearn.Training;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// GMIC training in one call (method 2): data → stratified split → GMIC trained end to end on the shared
/// <see cref="Trainer"/> (checkpoints, best-k, resume, precision plan) → best weights exported (gmic.pt + gmic.json)
/// → evaluation on the held-out split (AUC with bootstrap CI, localisation against lesion masks) → run folder with
/// config.resolved.yaml, split.csv, history.csv, metrics.json, predictions.csv and report.html (<see cref="GmicReport"/>).
/// </summary>
public static class GmicTraining
{
    /// <summary>Trains a new run in a new folder under <see cref="GmicTrainingOptions.Out"/>.</summary>
    public static GmicRun Run(GmicTrainingOptions options, IEnumerable<ITrainingCallback>? callbacks = null,
        IProgress<RunPhase>? phases = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        GmicSetup.Validate(options);
        var dataset = GmicSetup.LoadDataset(options.Data);
        var run = RunDirectory.Create(options.Out, options.Name ?? "gmic", kind: RunKinds.Gmic);
        return new GmicRunner(run, options, callbacks, phases).Execute(dataset, resume: false, cancellation);
    }

    /// <summary>Continues an interrupted run from its checkpoints/last.pt with its recorded configuration and split.</summary>
    public static GmicRun Resume(string runDirectory, IEnumerable<ITrainingCallback>? callbacks = null,
        IProgress<RunPhase>? phases = null, CancellationToken cancellation = default)
    {
        var run = RunDirectory.Open(runDirectory);
        var options = ConfigBinder.Load<GmicTrainingOptions>(run.ConfigPath);
        GmicSetup.Validate(options);
        var dataset = GmicSetup.LoadDataset(options.Data);
        return new GmicRunner(run, options, callbacks, phases).Execute(dataset, resume: true, cancellation);
    }
}

/// <summary>The outcome of <see cref="GmicTraining.Run"/>.</summary>
/// <param name="Directory">The run folder.</param>
/// <param name="Training">How training ended.</param>
/// <param name="Summary">Held-out metrics, or null when training did not finish.</param>
public sealed record GmicRun(RunDirectory Directory, TrainingResult Training, GmicSummary? Summary);
