namespace MedLearn.Runs;

/// <summary>
/// The kinds of folders MedLearn writes, by the name recorded in run.json's <c>kind</c> (<see cref="RunDirectory.Kind"/>)
/// — what <c>medlearn report</c> dispatches on to rebuild a report the way the run made it.
/// </summary>
public static class RunKinds
{
    /// <summary>A supervised classification run (<c>train classify</c>, <c>demo</c>).</summary>
    public const string Classify = "classify";

    /// <summary>A semi-supervised classification run (<c>train semi</c>, a label-sweep cell): semi.json, labeled.csv.</summary>
    public const string Semi = "semi";

    /// <summary>An evaluation of a run on other data (<c>evaluate</c>): RUN/evaluations/&lt;time&gt;-&lt;label&gt;/.</summary>
    public const string Evaluation = "evaluation";

    /// <summary>A GMIC run (<c>train gmic</c>): gmic.json, gmic.pt.</summary>
    public const string Gmic = "gmic";

    /// <summary>A label-fraction sweep folder (<c>experiment label-sweep</c>): sweep.json, base.yaml, cells/ (no run.json).</summary>
    public const string LabelSweep = "label-sweep";

    // Methods.SemiSupervised.SemiSupervisedSummary.FileName (named here so Runs does not depend on Methods).
    private const string SemiSummaryFileName = "semi.json";

    // Methods.Gmic.GmicManifest.FileName.
    private const string GmicManifestFileName = "gmic.json";

    /// <summary>Folder of a run that holds its evaluation folders.</summary>
    public const string EvaluationsFolderName = "evaluations";

    /// <summary>Every kind, for messages.</summary>
    public static IReadOnlyList<string> All { get; } = [Classify, Semi, Gmic, Evaluation, LabelSweep];

    /// <summary>
    /// The kind of run folder <paramref name="run"/>: run.json's <c>kind</c> when recorded; otherwise inferred from the
    /// files, for folders of earlier versions (semi.json → semi; gmic.json → gmic; a run folder inside a run's <c>evaluations/</c> →
    /// evaluation; any other → classify). A recorded kind is returned as written, even when this version does not know
    /// it (the caller reports it). Sweep folders are no run folders: see <c>Experiments.LabelSweep.IsSweepFolder</c>.
    /// </summary>
    public static string Detect(RunDirectory run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Kind is { } kind) return kind;
        if (File.Exists(Path.Combine(run.Path, SemiSummaryFileName))) return Semi;
        if (File.Exists(Path.Combine(run.Path, GmicManifestFileName))) return Gmic;
        var parent = Path.GetDirectoryName(run.Path);
        if (parent is not null && Path.GetFileName(parent) == EvaluationsFolderName && Path.GetDirectoryName(parent) is { } owner && RunDirectory.IsRunDirectory(owner))
            return Evaluation;
        return Classify;
    }
}
