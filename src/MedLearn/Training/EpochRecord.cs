namespace MedLearn.Training;

/// <summary>
/// One finished epoch: its metrics ("train_loss", "train_accuracy", ..., "val_loss", "val_accuracy", ...;
/// validation metrics are absent on epochs that did not validate), the learning rate it trained with, its
/// wall time, and whether it became the best by the monitored metric.
/// </summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Metrics">Named values; train_* are sample-weighted means over the epoch's batches.</param>
/// <param name="LearningRate">Learning rate of the first parameter group during the epoch.</param>
/// <param name="Seconds">Wall time of training plus validation (of the resumed part only, for an interrupted epoch).</param>
/// <param name="IsBest">True when the monitored metric improved on every earlier epoch.</param>
public sealed record EpochRecord(int Epoch, IReadOnlyDictionary<string, double> Metrics, double LearningRate, double Seconds, bool IsBest)
{
    /// <summary>The value of <paramref name="name"/>, or NaN when the epoch did not record it.</summary>
    public double Get(string name) => Metrics.TryGetValue(name, out var v) ? v : double.NaN;
}
