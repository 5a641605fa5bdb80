using MedLearn.Runs;
using MedLearn.Torch.Amp;
using MedLearn.Training;

namespace MedLearn.Methods.Supervised;

/// <summary>
/// The supervised transfer-learning journey in one call (methods 4 and 5): data → stratified split → model
/// (optionally from torchvision weights) → training with checkpoints → best weights exported → evaluation on the
/// held-out split → run folder with metrics, predictions, history, TensorBoard scalars and report.html.
/// </summary>
public static class ClassificationTraining
{
    /// <summary>Trains a new run in a new folder under <see cref="ClassificationTrainingOptions.Out"/>.</summary>
    /// <param name="options">Every setting (validated first; the error names the key).</param>
    /// <param name="callbacks">Training progress observers (the CLI's progress bar).</param>
    /// <param name="phases">Coarse progress: which phase the run is in.</param>
    /// <param name="cancellation">Stops training at the next batch after saving a checkpoint; the run can be resumed.</param>
    /// <returns>Where everything is and how it went.</returns>
    public static ClassificationRun Run(ClassificationTrainingOptions options, IEnumerable<ITrainingCallback>? callbacks = null,
        IProgress<RunPhase>? phases = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ClassificationSetup.Validate(options);
        options = ClassificationSetup.WithAbsolutePaths(options);
        var dataset = ClassificationSetup.OrderClasses(ClassificationSetup.LoadDataset(options.Data, requireLabels: true), options.ClassOrder, options.Data);
        var runner = new ClassificationRunner(options, callbacks, phases);
        var prepared = runner.Prepare(dataset, null, cancellation);
        return RunGuard.InNewRun(options.Out, options.Name ?? options.Model, run => runner.Execute(run, prepared, dataset, resume: false, cancellation), RunKinds.Classify);
    }

    /// <summary>
    /// Continues an interrupted or killed run from its <c>checkpoints/last.pt</c> with the configuration and split
    /// recorded in the run folder; the finished run is identical to one that was never interrupted. The folder is
    /// locked while it trains (<see cref="RunLock"/>) and cleared of temporary files of an interrupted write.
    /// </summary>
    public static ClassificationRun Resume(string runDirectory, IEnumerable<ITrainingCallback>? callbacks = null,
        IProgress<RunPhase>? phases = null, CancellationToken cancellation = default) =>
        RunGuard.InExistingRun(runDirectory, run =>
        {
            var options = ConfigBinder.Load<ClassificationTrainingOptions>(run.ConfigPath);
            ClassificationSetup.Validate(options);
            var dataset = ClassificationSetup.OrderClasses(ClassificationSetup.LoadDataset(options.Data, requireLabels: true), options.ClassOrder, options.Data);
            var runner = new ClassificationRunner(options, callbacks, phases);
            return runner.Execute(run, runner.Prepare(dataset, run, cancellation), dataset, resume: true, cancellation);
        });

    /// <summary>
    /// Evaluates the exported model of <paramref name="runDirectory"/> on <paramref name="data"/> (a folder or
    /// CSV whose class names must be the run's), writing metrics.json, predictions.csv and report.html into a new
    /// <c>evaluations/&lt;time&gt;-&lt;label&gt;</c> folder of the run.
    /// </summary>
    /// <param name="runDirectory">The run folder (model.json, model.pt).</param>
    /// <param name="data">Folder or CSV manifest with the run's class names.</param>
    /// <param name="options">Batch size, loader threads, error policy, precision, latency timing.</param>
    /// <param name="progress">Images evaluated so far.</param>
    /// <param name="cancellation">Stops between batches.</param>
    /// <param name="phases">Progress with totals: the evaluation (images) and the latency timing (passes).</param>
    public static ClassificationEvaluationRun Evaluate(string runDirectory, string data, ClassificationEvaluateOptions? options = null,
        IProgress<int>? progress = null, CancellationToken cancellation = default, IProgress<PhaseProgress>? phases = null) =>
        ClassificationEvaluator.Evaluate(runDirectory, data, options ?? new ClassificationEvaluateOptions(), progress, cancellation, phases);

    /// <summary>
    /// Rewrites report.html of a finished classification run from the files in its folder. For any kind of run
    /// (semi-supervised, evaluation, label sweep) use <see cref="RunReports.Rebuild"/>, which dispatches on the kind.
    /// </summary>
    public static string Report(string runDirectory) => ClassificationReportBuilder.Rebuild(RunDirectory.Open(runDirectory));
}

/// <summary>Coarse phases of a classification run, for progress displays.</summary>
public enum RunPhase
{
    /// <summary>Reading the data and splitting it.</summary>
    PreparingData,
    /// <summary>Building the model and loading weights.</summary>
    BuildingModel,
    /// <summary>Training epochs.</summary>
    Training,
    /// <summary>Evaluating the best model on the held-out split.</summary>
    Evaluating,
    /// <summary>Measuring inference latency.</summary>
    MeasuringLatency,
    /// <summary>Writing metrics, predictions and the report.</summary>
    WritingReport,
    /// <summary>Decoding every image once before training (unreadable files are named, or left out under on-error skip).</summary>
    CheckingImages,
}

/// <summary>The outcome of <see cref="ClassificationTraining.Run"/>.</summary>
/// <param name="Directory">The run folder.</param>
/// <param name="Training">How training ended.</param>
/// <param name="Evaluation">Metrics of the best model on <paramref name="EvaluatedSplit"/>, or null when training did not finish.</param>
/// <param name="EvaluatedSplit">"test" (or "val" when the split has no test part).</param>
/// <param name="Latency">Per-image inference latency of the exported model, or null.</param>
/// <param name="Precision">The resolved precision of training, in words.</param>
public sealed record ClassificationRun(RunDirectory Directory, TrainingResult Training, Metrics.ClassificationMetrics? Evaluation, string EvaluatedSplit,
    Metrics.LatencyStatistics? Latency, string Precision)
{
    /// <summary>Images left out under on-error skip, in every phase (also in run.json, metrics.json and the report).</summary>
    public IReadOnlyList<Data.Loading.SkippedImage> Skipped { get; init; } = [];
}

/// <summary>Settings of <see cref="ClassificationTraining.Evaluate"/>.</summary>
public sealed record ClassificationEvaluateOptions
{
    /// <summary>Label of the evaluation folder.</summary>
    public string Label { get; init; } = "eval";

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Loader threads.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Unreadable images: fail or skip.</summary>
    public Data.Loading.ErrorPolicy OnError { get; init; } = Data.Loading.ErrorPolicy.Fail;

    /// <summary>Bootstrap resamples of the confidence intervals.</summary>
    public int BootstrapSamples { get; init; } = 1000;

    /// <summary>Inference precision.</summary>
    public Precision Precision { get; init; } = Precision.Auto;

    /// <summary>Images timed one by one for the per-image latency (after the warm-up); 0 = not measured.</summary>
    public int LatencyImages { get; init; } = 20;

    /// <summary>Untimed warm-up forwards before the latency measurement.</summary>
    public int LatencyWarmup { get; init; } = 3;
}

/// <summary>The outcome of <see cref="ClassificationTraining.Evaluate"/>.</summary>
/// <param name="Folder">Where metrics.json, predictions.csv and report.html were written.</param>
/// <param name="Metrics">The metrics.</param>
public sealed record ClassificationEvaluationRun(string Folder, Metrics.ClassificationMetrics Metrics)
{
    /// <summary>Per-image inference latency on the evaluated images, or null when not measured.</summary>
    public Metrics.LatencyStatistics? Latency { get; init; }

    /// <summary>Images left out under on-error skip (also in the evaluation's metrics.json and report).</summary>
    public IReadOnlyList<Data.Loading.SkippedImage> Skipped { get; init; } = [];
}
