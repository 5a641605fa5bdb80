using MedLearn.Runs;

namespace MedLearn.Training;

/// <summary>
/// Writes a run's history as training goes: <c>history.csv</c> (rewritten atomically after every epoch, from the
/// trainer's full history, so a resumed run's file is the same as an uninterrupted run's) and TensorBoard scalars
/// in <c>tb/</c> (per-step batch loss and learning rate, per-epoch metrics; a resumed run appends a new event
/// file with the new steps only).
/// </summary>
public sealed class RunHistoryRecorder : ITrainingCallback, IDisposable
{
    private readonly RunDirectory _run;
    private readonly List<EpochRecord> _epochs = [];
    private TensorBoardWriter? _tensorBoard;

    /// <summary>A recorder writing into <paramref name="run"/> (a resumed run's history is rebuilt from the trainer's start event).</summary>
    public RunHistoryRecorder(RunDirectory run)
    {
        ArgumentNullException.ThrowIfNull(run);
        _run = run;
    }

    /// <inheritdoc/>
    public void OnTrainingStart(TrainingStart start)
    {
        _epochs.Clear();
        _epochs.AddRange(start.History);
        _tensorBoard ??= new TensorBoardWriter(_run.TensorBoardDir);
        if (_epochs.Count > 0) WriteHistory();
    }

    /// <inheritdoc/>
    public void OnStep(StepReport step) =>
        _tensorBoard?.AddScalars(step.GlobalStep, [new("train/batch_loss", step.Loss), new("train/learning_rate", step.LearningRate)]);

    /// <inheritdoc/>
    public void OnEpochEnd(EpochRecord epoch)
    {
        _epochs.Add(epoch);
        WriteHistory();
        _tensorBoard?.AddScalars(epoch.Epoch + 1, epoch.Metrics.Select(kv => new KeyValuePair<string, double>("epoch/" + kv.Key, kv.Value))
            .Append(new("epoch/learning_rate", epoch.LearningRate)));
    }

    /// <inheritdoc/>
    public void OnTrainingEnd(TrainingResult result) => Dispose();

    /// <summary>The metric names of history.csv's columns: every epoch metric without its train_/val_ prefix, loss excluded.</summary>
    public static IReadOnlyList<string> MetricNames(IEnumerable<EpochRecord> epochs) =>
        [.. epochs.SelectMany(e => e.Metrics.Keys)
            .Select(k => k.StartsWith("train_", StringComparison.Ordinal) ? k["train_".Length..] : k.StartsWith("val_", StringComparison.Ordinal) ? k["val_".Length..] : k)
            .Where(k => k != "loss").Distinct()];

    /// <summary>The metric names measured on one side (prefix "train_" or "val_"), prefix removed, loss excluded, in first-seen order.</summary>
    public static IReadOnlyList<string> MetricNames(IEnumerable<EpochRecord> epochs, string prefix) =>
        [.. epochs.SelectMany(e => e.Metrics.Keys).Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..])
            .Where(k => k != "loss").Distinct()];

    private void WriteHistory()
    {
        // A metric gets a column only on the side it is measured on (no train_auc or val_consistency full of NaN).
        var file = HistoryFile.Create(_run.HistoryPath, MetricNames(_epochs, "train_"), MetricNames(_epochs, "val_"));
        foreach (var e in _epochs)
        {
            var train = new Dictionary<string, double>();
            var val = new Dictionary<string, double>();
            foreach (var (key, value) in e.Metrics)
            {
                if (key.StartsWith("train_", StringComparison.Ordinal) && key != "train_loss") train[key["train_".Length..]] = value;
                else if (key.StartsWith("val_", StringComparison.Ordinal) && key != "val_loss") val[key["val_".Length..]] = value;
            }
            file.Append(new HistoryRow
            {
                Epoch = e.Epoch + 1,
                TrainLoss = e.Get("train_loss"),
                ValLoss = e.Get("val_loss"),
                Train = train,
                Val = val,
                LearningRate = e.LearningRate,
                Seconds = e.Seconds,
            });
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _tensorBoard?.Dispose();
        _tensorBoard = null;
    }
}
