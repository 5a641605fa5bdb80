using MedLearn.Methods.Supervised;
using MedLearn.Runs;
using MedLearn.Training;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// GMIC training in one call (method 2): data → stratified split → GMIC trained end to end on the shared
/// <see cref="Trainer"/> (checkpoints, best-k, resume, precision plan) → best weights exported (gmic.pt + gmic.json)
/// → evaluation on the held-out split (AUC with bootstrap CI, localisation against lesion masks) → run folder (locked
/// while it trains, removed again when training fails before its first checkpoint) with config.resolved.yaml,
/// split.csv, history.csv, metrics.json, predictions.csv and report.html (<see cref="GmicReport"/>).
/// </summary>
public static class GmicTraining
{
    /// <summary>Trains a new run in a new folder under <see cref="GmicTrainingOptions.Out"/>.</summary>
    public static GmicRun Run(GmicTrainingOptions options, IEnumerable<ITrainingCallback>? callbacks = null,
        IProgress<RunPhase>? phases = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        GmicSetup.Validate(options);
        var data = Prepare(options, cancellation);
        return RunGuard.InNewRun(options.Out, options.Name ?? "gmic",
            run => new GmicRunner(run, options, callbacks, phases).Execute(data, resume: false, cancellation), RunKinds.Gmic);
    }

    /// <summary>
    /// Continues an interrupted run from its checkpoints/last.pt with its recorded configuration and split. The folder is
    /// locked while it trains (<see cref="RunLock"/>) and cleared of temporary files of an interrupted write.
    /// </summary>
    public static GmicRun Resume(string runDirectory, IEnumerable<ITrainingCallback>? callbacks = null,
        IProgress<RunPhase>? phases = null, CancellationToken cancellation = default) =>
        RunGuard.InExistingRun(runDirectory, run =>
        {
            var options = ConfigBinder.Load<GmicTrainingOptions>(run.ConfigPath);
            GmicSetup.Validate(options);
            return new GmicRunner(run, options, callbacks, phases).Execute(GmicSetup.LoadData(options), resume: true, cancellation);
        });

    /// <summary>The preprocessing of a run on <paramref name="data"/> (the manifest's laterality, images smaller than the crop refused).</summary>
    public static Data.Transforms.ITransform Transform(GmicTrainingOptions options, ScreeningData data) =>
        GmicPreprocessing.Create(options.ImageHeight, options.ImageWidth, options.Preprocessing, data.HasLaterality ? data.Laterality : null, options.CropSize);

    /// <summary>
    /// Loads the data and checks it before a run folder exists: every image through the preprocessing
    /// (<see cref="GmicInputCheck"/>), and with missing-views = fail every breast has its CC and MLO view.
    /// </summary>
    /// <exception cref="Data.Datasets.DatasetException">A file or a row cannot be used (named).</exception>
    public static ScreeningData Prepare(GmicTrainingOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var data = GmicSetup.LoadData(options);
        var problems = GmicInputCheck.Find(data.Dataset, Transform(options, data), cancellation);
        data = data with { Dataset = GmicInputCheck.Enforce(data.Dataset, problems, options.OnError) };
        if (data.HasViews && options.MissingViews == MissingViewPolicy.Fail)
            BreastAggregation.Aggregate([.. data.Dataset.Items.Select(i => (i.Path, new float[data.Scheme.Outputs.Count], (float[]?)null))], data.Info, MissingViewPolicy.Fail, data.Source);
        return data;
    }
}

/// <summary>The outcome of <see cref="GmicTraining.Run"/>.</summary>
/// <param name="Directory">The run folder.</param>
/// <param name="Training">How training ended.</param>
/// <param name="Summary">Held-out metrics, or null when training did not finish.</param>
public sealed record GmicRun(RunDirectory Directory, TrainingResult Training, GmicSummary? Summary);
