using System.Globalization;
using MedLearn.Methods.Supervised;
using MedLearn.Runs;
using MedLearn.Training;

namespace MedLearn.Methods.SemiSupervised;

/// <summary>
/// Semi-supervised classification (method 1: mean teacher with prediction and sample-relation consistency) in one
/// call: data → stratified split → labeled fraction of the training split → student + EMA teacher → training with
/// checkpoints (teacher included) → best student exported as model.pt/model.json (the format of supervised runs, so
/// <c>medlearn predict/evaluate</c> work) → held-out evaluation → run folder with report.html.
/// </summary>
public static class SemiSupervisedTraining
{
    /// <summary>Trains a new run in a new folder under <see cref="SemiSupervisedTrainingOptions.Out"/>.</summary>
    /// <param name="options">Every setting (validated first; the error names the key).</param>
    /// <param name="callbacks">Training progress observers.</param>
    /// <param name="phases">Coarse progress.</param>
    /// <param name="warnings">Warnings, e.g. "no unlabeled images: training supervised only" (also recorded in semi.json and the report).</param>
    /// <param name="cancellation">Stops at the next batch after saving a checkpoint; resume with <see cref="Resume"/>.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="Data.Datasets.DatasetException">The data cannot train this method (e.g. fewer labeled images than a labeled batch).</exception>
    public static SemiSupervisedRun Run(SemiSupervisedTrainingOptions options, IEnumerable<ITrainingCallback>? callbacks = null,
        IProgress<RunPhase>? phases = null, IProgress<string>? warnings = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        SemiSupervisedSetup.Validate(options);
        options = WithAbsolutePaths(options);
        var dataset = ClassificationSetup.OrderClasses(ClassificationSetup.LoadDataset(options.Data), options.ClassOrder, options.Data);
        var runner = new SemiSupervisedRunner(options, callbacks, phases, warnings);
        var prepared = runner.Prepare(dataset, null, cancellation);
        // A labeled set fixed by the manifest is named so, not by a labeled-fraction that was not used.
        var name = options.Name ?? (prepared.Summary.LabeledSet == "manifest" ? $"{MethodName(options.Method)}-manifest-{options.Model}" : DefaultName(options));
        return RunGuard.InNewRun(options.Out, name, run => runner.Execute(run, prepared, resume: false, cancellation), RunKinds.Semi);
    }

    /// <summary>
    /// Continues an interrupted run from its checkpoints/last.pt (student, teacher, optimiser, RNG) with its recorded
    /// configuration, split and labeled subset; the folder is locked while it trains and cleared of temporary files.
    /// </summary>
    public static SemiSupervisedRun Resume(string runDirectory, IEnumerable<ITrainingCallback>? callbacks = null,
        IProgress<RunPhase>? phases = null, IProgress<string>? warnings = null, CancellationToken cancellation = default) =>
        RunGuard.InExistingRun(runDirectory, run =>
        {
            var options = ConfigBinder.Load<SemiSupervisedTrainingOptions>(run.ConfigPath);
            SemiSupervisedSetup.Validate(options);
            var dataset = ClassificationSetup.OrderClasses(ClassificationSetup.LoadDataset(options.Data), options.ClassOrder, options.Data);
            var runner = new SemiSupervisedRunner(options, callbacks, phases, warnings);
            return runner.Execute(run, runner.Prepare(dataset, run, cancellation), resume: true, cancellation);
        });

    /// <summary><paramref name="o"/> with data, weights, split-file and out absolute (a run resumes from any folder).</summary>
    public static SemiSupervisedTrainingOptions WithAbsolutePaths(SemiSupervisedTrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return o with
        {
            Data = ClassificationSetup.Absolute(o.Data)!,
            Weights = ClassificationSetup.Absolute(o.Weights),
            SplitFile = ClassificationSetup.Absolute(o.SplitFile),
            Out = ClassificationSetup.Absolute(o.Out)!,
        };
    }

    /// <summary>Rewrites report.html of a finished semi-supervised run from its files.</summary>
    public static string Report(string runDirectory) => SemiSupervisedReport.Rebuild(RunDirectory.Open(runDirectory));

    /// <summary>The method's name as written in configuration files and on the command line (supervised, mean-teacher, src-mt).</summary>
    public static string MethodName(SemiSupervisedMethod method) => ConfigNaming.ToKebabCase(method.ToString());

    /// <summary>Parses supervised, mean-teacher or src-mt (case-insensitive; underscores allowed).</summary>
    /// <exception cref="ArgumentException">Any other text.</exception>
    public static SemiSupervisedMethod ParseMethod(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var m in Enum.GetValues<SemiSupervisedMethod>())
            if (string.Equals(MethodName(m), text.Trim().Replace('_', '-'), StringComparison.OrdinalIgnoreCase)) return m;
        throw new ArgumentException($"unknown method '{text}'; known: supervised, mean-teacher, src-mt");
    }

    private static string DefaultName(SemiSupervisedTrainingOptions o) =>
        string.Create(CultureInfo.InvariantCulture, $"{MethodName(o.Method)}-f{o.LabeledFraction:0.###}-{o.Model}");
}
