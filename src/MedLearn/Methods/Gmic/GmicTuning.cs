using System.Globalization;
using System.Text;
using MedLearn.Runs;
using MedLearn.Training;

namespace MedLearn.Methods.Gmic;

/// <summary>One finished trial of <see cref="GmicTuning"/>.</summary>
/// <param name="Trial">0-based trial number.</param>
/// <param name="LearningRate">Its learning rate.</param>
/// <param name="Beta">Its beta.</param>
/// <param name="TopTPercent">Its t.</param>
/// <param name="Monitor">The validation metric that scores it (the base settings' monitor).</param>
/// <param name="Score">Its best value of <paramref name="Monitor"/>, or null when undefined.</param>
/// <param name="RunFolder">Its run folder.</param>
public sealed record GmicTrial(int Trial, double LearningRate, double Beta, double TopTPercent, string Monitor, double? Score, string RunFolder);

/// <summary>
/// Random search for GMIC (<c>medlearn tune gmic</c>): trial i trains a full GMIC run (its own run folder
/// <c>out/&lt;time&gt;-trial-NNN</c>) with lr, beta, t drawn log-uniformly (see <see cref="GmicTuneOptions"/>) and is
/// scored by the best validation value of the monitored metric. Rerunning continues: finished trials (metrics.json
/// present) are read back, interrupted ones resume from their last checkpoint. tune.csv lists every trial, tune.json
/// the best (written atomically after each trial).
/// </summary>
public static class GmicTuning
{
    /// <summary>The values of trial <paramref name="trial"/>.</summary>
    public static (double LearningRate, double Beta, double TopTPercent) Sample(GmicTuneOptions options, int trial)
    {
        var rng = new Random(unchecked((int)(options.Seed % 1_000_003) * 7919 + trial));
        double LogUniform(IReadOnlyList<double> r) => Math.Exp(Math.Log(r[0]) + rng.NextDouble() * (Math.Log(r[1]) - Math.Log(r[0])));
        return (LogUniform(options.LearningRate), LogUniform(options.Beta), LogUniform(options.TopTPercent));
    }

    /// <summary>Runs (or continues) the search; returns every trial in order.</summary>
    /// <exception cref="ArgumentException">A range or the trial count is invalid, or the base settings are.</exception>
    public static IReadOnlyList<GmicTrial> Run(GmicTuneOptions options, IProgress<GmicTrial>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Trials < 1) throw new ArgumentException($"trials: must be >= 1 (got {options.Trials})");
        foreach (var (name, r) in new[] { ("learning-rate", options.LearningRate), ("beta", options.Beta), ("top-t-percent", options.TopTPercent) })
            if (r.Count != 2 || !(r[0] > 0) || !(r[1] >= r[0])) throw new ArgumentException($"{name}: the range must be [lo, hi] with 0 < lo <= hi (got [{string.Join(", ", r)}])");
        if (options.TopTPercent[1] > 1) throw new ArgumentException($"top-t-percent: the range must lie in (0, 1] (got [{string.Join(", ", options.TopTPercent)}])");
        GmicSetup.Validate(options.Base);
        Directory.CreateDirectory(options.Out);
        var trials = new List<GmicTrial>();
        for (var i = 0; i < options.Trials; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var (lr, beta, t) = Sample(options, i);
            var label = string.Create(CultureInfo.InvariantCulture, $"trial-{i:D3}");
            var existing = Directory.GetDirectories(options.Out, "*-" + label).Order(StringComparer.Ordinal).LastOrDefault();
            GmicSummary? summary = null;
            string folder;
            if (existing is not null && File.Exists(Path.Combine(existing, RunDirectory.MetricsFileName)))
            {
                folder = existing;
                summary = MetricsFile.Read<GmicSummary>(Path.Combine(existing, RunDirectory.MetricsFileName));
            }
            else
            {
                var run = existing is not null
                    ? GmicTraining.Resume(existing, cancellation: cancellation)
                    : GmicTraining.Run(options.Base with { Out = options.Out, Name = label, LearningRate = lr, Beta = beta, TopTPercent = t }, cancellation: cancellation);
                if (run.Training.Status == TrainingStatus.Cancelled) throw new OperationCanceledException($"trial {i} was interrupted; rerun to continue");
                folder = run.Directory.Path;
                summary = run.Summary;
            }
            var trial = new GmicTrial(i, lr, beta, t, options.Base.Monitor, summary?.Training.BestMetric is { } m && double.IsFinite(m) ? m : null, folder);
            trials.Add(trial);
            Write(options, trials);
            progress?.Report(trial);
        }
        return trials;
    }

    private static void Write(GmicTuneOptions options, IReadOnlyList<GmicTrial> trials)
    {
        var csv = new StringBuilder(RunCsv.Line(["trial", "learning_rate", "beta", "top_t_percent", "monitor", "score", "run"]));
        foreach (var t in trials)
            csv.Append(RunCsv.Line([t.Trial.ToString(CultureInfo.InvariantCulture), RunCsv.Format(t.LearningRate), RunCsv.Format(t.Beta), RunCsv.Format(t.TopTPercent),
                t.Monitor, t.Score is { } s ? RunCsv.Format(s) : "", Path.GetFileName(t.RunFolder)]));
        AtomicText.Write(Path.Combine(options.Out, "tune.csv"), csv.ToString());
        var scored = trials.Where(t => t.Score is not null).ToArray();
        var best = scored.Length == 0 ? null
            : GmicSetup.GoalOf(options.Base.Monitor) == MetricGoal.Minimize ? scored.MinBy(t => t.Score) : scored.MaxBy(t => t.Score);
        MetricsFile.Write(Path.Combine(options.Out, "tune.json"), new { trials = trials.Count, best });
    }
}
