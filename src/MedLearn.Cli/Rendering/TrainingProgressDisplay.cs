using System.Globalization;
using MedLearn.Training;
using Spectre.Console;

namespace MedLearn.Cli.Rendering;

/// <summary>
/// Renders trainer events. On an interactive terminal: a live bar per epoch (step, loss, learning rate, the epoch's and
/// the whole run's ETA) and a bar per other phase (validation, held-out evaluation, latency timing, explanations). In a
/// log (stdout not a terminal): one line per finished epoch with the whole run's ETA, and in between a plain progress
/// line at most every <see cref="LogInterval"/> (training steps and the other phases), so a long epoch or evaluation
/// still shows that it moves. The epoch summaries appear in both cases.
/// </summary>
internal sealed class TrainingProgressDisplay : ITrainingCallback
{
    /// <summary>Least time between two progress lines in a log.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);

    private static readonly string[] s_shown = ["train_loss", "train_accuracy", "val_loss", "val_accuracy", "val_macro_f1", "val_auc"];
    private readonly ProgressContext? _context;
    private readonly IAnsiConsole _console;
    private readonly TimeProvider _clock;
    private ProgressTask? _task;
    private ProgressTask? _phaseTask;
    private string? _phase;
    private int _epochs;
    private int _phaseLines;
    private double _lossSum;
    private int _lossCount;
    private long _trainingStarted;
    private long _epochStarted;
    private long _lastLine;
    private double _epochSecondsSum;
    private int _epochsTimed;

    public TrainingProgressDisplay(IAnsiConsole console, ProgressContext? context, TimeProvider? clock = null)
    {
        _console = console;
        _context = context;
        _clock = clock ?? TimeProvider.System;
        _trainingStarted = _epochStarted = _clock.GetTimestamp();
        _lastLine = _trainingStarted;
    }

    public void OnWeightsLoaded(Models.WeightsImportReport report)
    {
        var lines = report.Describe().Split('\n');
        _console.MarkupLineInterpolated($"[grey]weights:[/] {lines[0]}");
        foreach (var line in lines.Skip(1)) _console.MarkupLineInterpolated($"[grey]  {line}[/]");
    }

    public void OnTrainingStart(TrainingStart start)
    {
        _epochs = start.Epochs;
        _trainingStarted = _epochStarted = _lastLine = _clock.GetTimestamp();
        _console.MarkupLineInterpolated($"[grey]precision:[/] {start.PrecisionDescription}");
        if (start.ResumedFrom is not null)
            _console.MarkupLineInterpolated($"[yellow]resuming[/] from {start.ResumedFrom} at epoch {start.StartEpoch + 1}, batch {start.StartBatch + 1}");
    }

    public void OnStep(StepReport step)
    {
        _lossSum += step.Loss;
        _lossCount++;
        if (_context is null)
        {
            if (!Due()) return;
            var fraction = (step.Batch + 1.0) / Math.Max(1, step.BatchesPerEpoch);
            var epochEta = Elapsed(_epochStarted) / fraction * (1 - fraction);
            Line(string.Create(CultureInfo.InvariantCulture,
                $"epoch {step.Epoch + 1}/{_epochs}: batch {step.Batch + 1}/{step.BatchesPerEpoch}, loss {_lossSum / _lossCount:F4}, lr {step.LearningRate:G3}, " +
                $"epoch ETA {Duration(epochEta)}, run ETA {Duration(RunEta(step.Epoch, fraction))}"));
            return;
        }
        if (_task is null || step.Batch == 0 && _task.Value > 0)
        {
            _task?.StopTask();
            _task = _context.AddTask(Describe(step.Epoch, double.NaN), maxValue: step.BatchesPerEpoch);
        }
        _task.Value = step.Batch + 1;
        _task.Description = Describe(step.Epoch, _lossSum / _lossCount) + string.Create(CultureInfo.InvariantCulture,
            $" lr {step.LearningRate:G3} · run ETA {Duration(RunEta(step.Epoch, (step.Batch + 1.0) / Math.Max(1, step.BatchesPerEpoch)))}");
    }

    public void OnPhaseProgress(PhaseProgress progress)
    {
        if (_context is not null)
        {
            if (_phaseTask is null || _phase != progress.Phase || progress.Done == 0)
            {
                _phaseTask?.StopTask();
                _phase = progress.Phase;
                _phaseTask = _context.AddTask(progress.Phase, maxValue: Math.Max(1, progress.Total));
            }
            _phaseTask.Value = progress.Done;
            if (progress.Done >= progress.Total)
            {
                _phaseTask.StopTask();
                _phaseTask = null;
            }
            return;
        }
        // In a log: the start of a long phase is not worth a line; its progress every few seconds is, and so is its end
        // when a progress line of it was written.
        var finished = progress.Done >= progress.Total;
        if (_phase != progress.Phase)
        {
            _phase = progress.Phase;
            _lastLine = _clock.GetTimestamp();
            _phaseLines = 0;
            return;
        }
        if (!(finished && _phaseLines > 0) && !Due()) return;
        _phaseLines++;
        Line(string.Create(CultureInfo.InvariantCulture, $"{progress.Phase}: {progress.Done}/{progress.Total} {progress.Unit}"));
        if (finished) _phase = null;
    }

    public void OnEpochEnd(EpochRecord epoch)
    {
        if (_task is not null)
        {
            _task.Value = _task.MaxValue;
            _task.StopTask();
            _task = null;
        }
        _lossSum = 0;
        _lossCount = 0;
        _epochSecondsSum += epoch.Seconds;
        _epochsTimed++;
        _epochStarted = _lastLine = _clock.GetTimestamp();
        _phase = null;
        // The console line shows the usual few; history.csv and TensorBoard have every metric.
        var parts = s_shown.Where(epoch.Metrics.ContainsKey).Select(k => string.Create(CultureInfo.InvariantCulture, $"{k} {epoch.Metrics[k]:F3}"));
        var remaining = _epochs - epoch.Epoch - 1;
        var eta = remaining > 0 ? $"  run ETA {Duration(_epochSecondsSum / _epochsTimed * remaining)}" : "";
        var best = epoch.IsBest ? " [green]best[/]" : "";
        _console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch.Epoch + 1}/{_epochs}  {string.Join("  ", parts)}  lr {epoch.LearningRate:G3}  {epoch.Seconds:F1}s{eta}")) + best);
    }

    public void OnTrainingEnd(TrainingResult result)
    {
        _task?.StopTask();
        var colour = result.Status switch
        {
            TrainingStatus.Completed or TrainingStatus.EarlyStopped => "green",
            TrainingStatus.Cancelled => "yellow",
            _ => "red",
        };
        _console.MarkupLine($"[{colour}]{Markup.Escape(result.Message)}[/]");
    }

    /// <summary>Seconds left for the whole run: the mean epoch time (finished epochs, else the current one's pace) times the epochs left.</summary>
    private double RunEta(int epoch, double fractionOfEpoch)
    {
        double perEpoch = _epochsTimed > 0 ? _epochSecondsSum / _epochsTimed
            : fractionOfEpoch > 0 ? Elapsed(_epochStarted) / fractionOfEpoch : double.NaN;
        return perEpoch * (_epochs - epoch - fractionOfEpoch);
    }

    private bool Due() => _clock.GetElapsedTime(_lastLine) >= LogInterval;

    private void Line(string text)
    {
        _lastLine = _clock.GetTimestamp();
        _console.MarkupLine($"[grey]{Markup.Escape(text)}[/]");
    }

    private double Elapsed(long since) => _clock.GetElapsedTime(since).TotalSeconds;

    /// <summary>"45s", "3m05s", "2h07m"; "?" when unknown.</summary>
    internal static string Duration(double seconds)
    {
        if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds < 0) return "?";
        var s = (long)Math.Round(seconds);
        return s < 60 ? $"{s}s" : s < 3600 ? string.Create(CultureInfo.InvariantCulture, $"{s / 60}m{s % 60:00}s")
            : string.Create(CultureInfo.InvariantCulture, $"{s / 3600}h{s % 3600 / 60:00}m");
    }

    private string Describe(int epoch, double loss) =>
        double.IsNaN(loss) ? $"epoch {epoch + 1}/{_epochs}" : string.Create(CultureInfo.InvariantCulture, $"epoch {epoch + 1}/{_epochs} loss {loss:F4}");
}
