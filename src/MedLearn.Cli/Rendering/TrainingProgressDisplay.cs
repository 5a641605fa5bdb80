using System.Globalization;
using MedLearn.Training;
using Spectre.Console;

namespace MedLearn.Cli.Rendering;

/// <summary>
/// Renders trainer events: a live bar per epoch (step, loss, learning rate, ETA) on an interactive terminal, one
/// plain line per epoch otherwise (CI logs), and the epoch summaries in both cases.
/// </summary>
internal sealed class TrainingProgressDisplay : ITrainingCallback
{
    private static readonly string[] s_shown = ["train_loss", "train_accuracy", "val_loss", "val_accuracy", "val_auc", "val_kappa_quadratic"];
    private readonly ProgressContext? _context;
    private readonly IAnsiConsole _console;
    private ProgressTask? _task;
    private int _epochs;
    private double _lossSum;
    private int _lossCount;

    public TrainingProgressDisplay(IAnsiConsole console, ProgressContext? context)
    {
        _console = console;
        _context = context;
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
        _console.MarkupLineInterpolated($"[grey]precision:[/] {start.PrecisionDescription}");
        if (start.ResumedFrom is not null)
            _console.MarkupLineInterpolated($"[yellow]resuming[/] from {start.ResumedFrom} at epoch {start.StartEpoch + 1}, batch {start.StartBatch + 1}");
    }

    public void OnStep(StepReport step)
    {
        _lossSum += step.Loss;
        _lossCount++;
        if (_context is null) return;
        if (_task is null || step.Batch == 0 && _task.Value > 0)
        {
            _task?.StopTask();
            _task = _context.AddTask(Describe(step.Epoch, double.NaN), maxValue: step.BatchesPerEpoch);
        }
        _task.Value = step.Batch + 1;
        _task.Description = Describe(step.Epoch, _lossSum / _lossCount) + string.Create(CultureInfo.InvariantCulture, $" lr {step.LearningRate:G3}");
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
        // The console line shows the usual few; history.csv and TensorBoard have every metric.
        var parts = s_shown.Where(epoch.Metrics.ContainsKey).Select(k => string.Create(CultureInfo.InvariantCulture, $"{k} {epoch.Metrics[k]:F3}"));
        var best = epoch.IsBest ? " [green]best[/]" : "";
        _console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch.Epoch + 1}/{_epochs}  {string.Join("  ", parts)}  lr {epoch.LearningRate:G3}  {epoch.Seconds:F1}s")) + best);
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

    private string Describe(int epoch, double loss) =>
        double.IsNaN(loss) ? $"epoch {epoch + 1}/{_epochs}" : string.Create(CultureInfo.InvariantCulture, $"epoch {epoch + 1}/{_epochs} loss {loss:F4}");
}
