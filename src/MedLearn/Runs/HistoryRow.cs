namespace MedLearn.Runs;

/// <summary>
/// One epoch of a training history. Metrics are looked up by name in <see cref="Train"/> and <see cref="Val"/>
/// (the names the <see cref="HistoryFile"/> was created with); a value not computed this epoch is NaN
/// (written as <c>nan</c>).
/// </summary>
public sealed record HistoryRow
{
    private static readonly IReadOnlyDictionary<string, double> Empty = new Dictionary<string, double>();

    /// <summary>Epoch number (the file requires them strictly increasing).</summary>
    public required int Epoch { get; init; }

    /// <summary>Mean training loss of the epoch.</summary>
    public double TrainLoss { get; init; } = double.NaN;

    /// <summary>Validation loss (NaN when not validated this epoch).</summary>
    public double ValLoss { get; init; } = double.NaN;

    /// <summary>Training metrics by name.</summary>
    public IReadOnlyDictionary<string, double> Train { get; init; } = Empty;

    /// <summary>Validation metrics by name.</summary>
    public IReadOnlyDictionary<string, double> Val { get; init; } = Empty;

    /// <summary>Learning rate used in the epoch (column <c>lr</c>).</summary>
    public double LearningRate { get; init; } = double.NaN;

    /// <summary>Wall-clock seconds the epoch took.</summary>
    public double Seconds { get; init; } = double.NaN;
}
