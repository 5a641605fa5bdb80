namespace MedLearn.Training;

/// <summary>How a run ended and where its results are.</summary>
/// <param name="Status">Why training stopped.</param>
/// <param name="EpochsCompleted">Epochs finished (including those before a resume).</param>
/// <param name="History">Every finished epoch, in order.</param>
/// <param name="BestEpoch">0-based epoch with the best monitored metric, or null when it was never measured.</param>
/// <param name="BestMetric">That metric's value, or null.</param>
/// <param name="BestCheckpoint">Path of the best checkpoint (weights), or null without checkpoints.</param>
/// <param name="LastCheckpoint">Path of last.pt (resume point), or null without checkpoints.</param>
/// <param name="Message">A sentence for the user (why it stopped, what was kept).</param>
public sealed record TrainingResult(TrainingStatus Status, int EpochsCompleted, IReadOnlyList<EpochRecord> History,
    int? BestEpoch, double? BestMetric, string? BestCheckpoint, string? LastCheckpoint, string Message);

/// <summary>Why a run stopped.</summary>
public enum TrainingStatus
{
    /// <summary>All epochs ran.</summary>
    Completed,
    /// <summary>The monitored metric stopped improving (early stopping).</summary>
    EarlyStopped,
    /// <summary>Cancelled (Ctrl-C): a checkpoint of the exact position was saved first.</summary>
    Cancelled,
    /// <summary>The loss became NaN or infinite; the last good checkpoint was kept and nothing was written after it.</summary>
    Diverged,
}
