using System.Diagnostics;
using System.Globalization;
using System.Text;
using MedLearn.Data.Datasets;
using MedLearn.Methods.SemiSupervised;
using MedLearn.Methods.Supervised;
using MedLearn.Runs;
using MedLearn.Training;

namespace MedLearn.Experiments;

/// <summary>
/// Runs a label-fraction sweep (<c>medlearn experiment label-sweep</c>): every (fraction, method, seed) cell is a
/// semi-supervised run folder under <c>OUT/cells/&lt;cell&gt;/</c>, trained one after the other. For one seed the split
/// and (per fraction) the labeled subset are the same for every method, so methods are compared pairwise by seed.
/// After every cell the folder's <c>sweep.json</c>, <c>sweep.csv</c> and <c>report.html</c>
/// (<see cref="LabelSweepReport"/>) are rewritten.
/// </summary>
/// <remarks>
/// <para><b>Rerun = continue.</b> A cell whose <c>cell.json</c> says completed or diverged is skipped (its results are
/// read back); a cell with a checkpoint but no result (killed or Ctrl-C) resumes exactly from it; a run folder without any
/// checkpoint (stopped before its first epoch ended) is deleted and the cell starts again; a cell that failed (e.g. too few
/// labeled images for the labeled batch at this fraction) is retried.</para>
/// <para><b>One sweep per folder.</b> <c>base.yaml</c> records the shared settings; rerunning into the same folder with
/// different shared settings is an error (the grid — fractions, methods, seeds — may grow).</para>
/// </remarks>
public static class LabelSweep
{
    /// <summary>Settings shared by every cell (file in the sweep folder).</summary>
    public const string BaseConfigFileName = "base.yaml";

    /// <summary>Per-cell status file in the cell folder.</summary>
    public const string CellFileName = "cell.json";

    /// <summary>Folder of the cells in the sweep folder.</summary>
    public const string CellsFolderName = "cells";

    /// <summary>Runs (or continues) the sweep.</summary>
    /// <param name="options">Grid and shared settings (validated).</param>
    /// <param name="callbacks">Training observers for a cell (e.g. a progress bar), or null.</param>
    /// <param name="progress">Sweep events.</param>
    /// <param name="cancellation">Stops the running cell at its next batch (checkpointed) and ends the sweep.</param>
    /// <exception cref="ArgumentException">Invalid options, or the folder holds a sweep with other shared settings.</exception>
    public static LabelSweepResult Run(LabelSweepOptions options, Func<LabelSweepCell, IEnumerable<ITrainingCallback>>? callbacks = null,
        IProgress<LabelSweepEvent>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var data = Path.GetFullPath(options.Base.Data);
        ClassificationSetup.LoadDataset(data); // fail before writing anything when the data is unusable
        var folder = Path.GetFullPath(options.Out);
        Directory.CreateDirectory(Path.Combine(folder, CellsFolderName));
        CheckBase(folder, options.Base with { Data = data });

        var cells = (from f in options.Fractions from s in options.SeedList from m in options.Methods select new LabelSweepCell(f, m, s)).ToList();
        var results = new List<LabelSweepCellResult>();
        var cancelled = false;
        for (var i = 0; i < cells.Count && !cancelled; i++)
        {
            var cell = cells[i];
            var cellDir = Path.Combine(folder, CellsFolderName, cell.Name);
            var result = RunCell(cell, i, cells.Count, options.Base with { Data = data }, cellDir, callbacks, progress, cancellation);
            if (result is null) { cancelled = true; break; }
            results.Add(result);
            Write(folder, options, data, WithEarlierCells(folder, results, cells.Skip(i + 1)), progress);
        }
        var summary = Write(folder, options, data, WithEarlierCells(folder, results, cells.Skip(results.Count)), progress);
        return new LabelSweepResult(folder, summary, cancelled, Path.Combine(folder, "report.html"));
    }

    /// <summary>
    /// <paramref name="results"/> plus the cells of <paramref name="notReached"/> finished in earlier invocations: a
    /// continued sweep's report shows every finished cell from its first rewrite on, and a cancelled one keeps them.
    /// </summary>
    private static List<LabelSweepCellResult> WithEarlierCells(string folder, IEnumerable<LabelSweepCellResult> results, IEnumerable<LabelSweepCell> notReached) =>
        [.. results, .. notReached.Select(cell => ReadCell(Path.Combine(folder, CellsFolderName, cell.Name))).OfType<LabelSweepCellResult>()];

    private static void CheckBase(string folder, SemiSupervisedTrainingOptions baseOptions)
    {
        var path = Path.Combine(folder, BaseConfigFileName);
        var yaml = ConfigWriter.ToYaml(Normalise(baseOptions),
            "settings shared by every cell of this label sweep; each cell sets its own seed, labeled-fraction, method, out and name");
        if (File.Exists(path))
        {
            var existing = ConfigWriter.ToYaml(Normalise(ConfigBinder.Load<SemiSupervisedTrainingOptions>(path)), "");
            var wanted = ConfigWriter.ToYaml(Normalise(baseOptions), "");
            if (existing != wanted)
            {
                var a = existing.Split('\n');
                var b = wanted.Split('\n');
                var first = a.Zip(b).FirstOrDefault(p => p.First != p.Second);
                throw new ArgumentException($"{folder} holds a label sweep with other shared settings ({BaseConfigFileName}: '{first.First}', now: '{first.Second}'); " +
                    "rerun with the same settings to continue it, or use another --out");
            }
            return;
        }
        AtomicText.Write(path, yaml);
    }

    // Per-cell keys are replaced by fixed values so that only the shared settings are compared and recorded.
    private static SemiSupervisedTrainingOptions Normalise(SemiSupervisedTrainingOptions o) =>
        o with { Out = CellsFolderName, Name = null, Seed = 0, LabeledFraction = 1, Method = SemiSupervisedMethod.Supervised };

    /// <summary>True when <paramref name="folder"/> is a label-sweep folder (sweep.json and base.yaml, no run.json).</summary>
    public static bool IsSweepFolder(string folder) =>
        Directory.Exists(folder) && !File.Exists(Path.Combine(folder, RunDirectory.MarkerFileName))
        && File.Exists(Path.Combine(folder, LabelSweepSummary.FileName)) && File.Exists(Path.Combine(folder, BaseConfigFileName));

    /// <summary>Rewrites report.html of a sweep folder from its sweep.json and base.yaml; returns its path.</summary>
    /// <exception cref="RunFileException">sweep.json is malformed.</exception>
    public static string Report(string folder)
    {
        var full = Path.GetFullPath(folder);
        var summary = MetricsFile.Read<LabelSweepSummary>(Path.Combine(full, LabelSweepSummary.FileName));
        var report = Path.Combine(full, "report.html");
        new LabelSweepReport(summary, File.ReadAllText(Path.Combine(full, BaseConfigFileName))).Write(report);
        return report;
    }

    private static LabelSweepCellResult? RunCell(LabelSweepCell cell, int index, int count, SemiSupervisedTrainingOptions baseOptions, string cellDir,
        Func<LabelSweepCell, IEnumerable<ITrainingCallback>>? callbacks, IProgress<LabelSweepEvent>? progress, CancellationToken cancellation)
    {
        if (ReadCell(cellDir) is { Status: "completed" or "diverged" } done)
        {
            progress?.Report(new(LabelSweepEventKind.CellSkipped, cell, index, count, $"{cell.Name}: finished earlier ({done.Status}), reusing {done.RunPath}", done));
            return done;
        }
        Directory.CreateDirectory(cellDir);
        var runs = Directory.GetDirectories(cellDir).Where(RunDirectory.IsRunDirectory).Order(StringComparer.Ordinal).ToList();
        string? resumable = null;
        foreach (var r in runs)
        {
            if (File.Exists(Path.Combine(r, RunDirectory.CheckpointsFolderName, Trainer.LastCheckpointName))) resumable = r;
            else Directory.Delete(r, recursive: true); // stopped before its first checkpoint: nothing to keep
        }
        var options = baseOptions with { Out = cellDir, Name = cell.Name, Seed = cell.Seed, LabeledFraction = cell.Fraction, Method = cell.Method };
        var warnings = new EventWarnings(w => progress?.Report(new(LabelSweepEventKind.Warning, cell, index, count, $"{cell.Name}: {w}")));
        var clock = Stopwatch.StartNew();
        SemiSupervisedRun run;
        try
        {
            if (resumable is not null)
            {
                progress?.Report(new(LabelSweepEventKind.CellResuming, cell, index, count, $"{cell.Name}: resuming {resumable}"));
                run = SemiSupervisedTraining.Resume(resumable, callbacks?.Invoke(cell), null, warnings, cancellation);
            }
            else
            {
                progress?.Report(new(LabelSweepEventKind.CellStarting, cell, index, count, $"{cell.Name}: training"));
                run = SemiSupervisedTraining.Run(options, callbacks?.Invoke(cell), null, warnings, cancellation);
            }
        }
        catch (DatasetException e)
        {
            var failed = new LabelSweepCellResult(cell.Fraction, SemiSupervisedTraining.MethodName(cell.Method), cell.Seed, "failed", null, "", 0, 0,
                new Dictionary<string, double>(), clock.Elapsed.TotalSeconds, e.Message);
            progress?.Report(new(LabelSweepEventKind.CellFailed, cell, index, count, $"{cell.Name}: {e.Message}", failed));
            return failed;
        }
        var training = run.Classification.Training;
        if (training.Status == TrainingStatus.Cancelled) return null;
        var m = run.Classification.Evaluation;
        var metrics = new Dictionary<string, double>();
        if (m is not null)
        {
            metrics["accuracy"] = m.Accuracy;
            metrics["balanced_accuracy"] = m.BalancedAccuracy;
            metrics["macro_f1"] = m.MacroF1;
            metrics["macro_auc"] = m.MacroAuc ?? double.NaN;
            metrics["kappa_quadratic"] = m.KappaQuadratic ?? double.NaN;
            metrics["kappa_linear"] = m.KappaLinear ?? double.NaN;
        }
        var result = new LabelSweepCellResult(cell.Fraction, SemiSupervisedTraining.MethodName(cell.Method), cell.Seed,
            training.Status == TrainingStatus.Diverged ? "diverged" : "completed", run.Semi.Method, run.Classification.Directory.Path,
            run.Semi.Labeled, run.Semi.Unlabeled, metrics, clock.Elapsed.TotalSeconds, training.Message)
        {
            ConsistencyWeight = run.Semi.ConsistencyWeight,
            ConsistencyWeightReached = run.Semi.Method == "supervised" ? null : run.Semi.ConsistencyWeightReached,
        };
        MetricsFile.Write(Path.Combine(cellDir, CellFileName), result);
        progress?.Report(new(LabelSweepEventKind.CellFinished, cell, index, count,
            string.Create(CultureInfo.InvariantCulture, $"{cell.Name}: {result.Status}, accuracy {result.Get("accuracy"):0.000}, ") +
                (baseOptions.Ordinal ? string.Create(CultureInfo.InvariantCulture, $"quadratic kappa {result.Get("kappa_quadratic"):0.000}")
                    : string.Create(CultureInfo.InvariantCulture, $"macro F1 {result.Get("macro_f1"):0.000}")) +
                (result.ConsistencyWeightReached is double reached ? string.Create(CultureInfo.InvariantCulture, $", consistency weight reached {reached:0.###}") : "") +
                string.Create(CultureInfo.InvariantCulture, $" ({result.Seconds:0} s)"), result));
        return result;
    }

    private static LabelSweepCellResult? ReadCell(string cellDir)
    {
        var path = Path.Combine(cellDir, CellFileName);
        return File.Exists(path) ? MetricsFile.Read<LabelSweepCellResult>(path) : null;
    }

    private static LabelSweepSummary Write(string folder, LabelSweepOptions options, string data, IReadOnlyList<LabelSweepCellResult> results, IProgress<LabelSweepEvent>? progress)
    {
        var summary = LabelSweepSummary.Build(data, options.Fractions, [.. options.Methods.Select(SemiSupervisedTraining.MethodName)], options.SeedList, results,
            options.Base.Ordinal);
        MetricsFile.Write(Path.Combine(folder, LabelSweepSummary.FileName), summary);
        AtomicText.Write(Path.Combine(folder, "sweep.csv"), Csv(results));
        var report = Path.Combine(folder, "report.html");
        new LabelSweepReport(summary, File.ReadAllText(Path.Combine(folder, BaseConfigFileName))).Write(report);
        progress?.Report(new(LabelSweepEventKind.ReportWritten, null, results.Count, results.Count, $"report: {report}"));
        return summary;
    }

    private static string Csv(IEnumerable<LabelSweepCellResult> results)
    {
        var sb = new StringBuilder("fraction,method,seed,status,ran_method,labeled,unlabeled," + string.Join(',', LabelSweepSummary.MetricNames) + ",seconds,run\n");
        foreach (var r in results)
        {
            sb.Append(string.Create(CultureInfo.InvariantCulture, $"{r.Fraction},{r.Method},{r.Seed},{r.Status},{r.RanMethod},{r.Labeled},{r.Unlabeled}"));
            foreach (var metric in LabelSweepSummary.MetricNames) sb.Append(',').Append(r.Get(metric).ToString("R", CultureInfo.InvariantCulture));
            sb.Append(string.Create(CultureInfo.InvariantCulture, $",{r.Seconds:0.0},")).Append(CsvTable.Escape(r.RunPath)).Append('\n');
        }
        return sb.ToString();
    }

    private sealed class EventWarnings(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
