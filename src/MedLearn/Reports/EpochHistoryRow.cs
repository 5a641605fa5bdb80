namespace MedLearn.Reports;

/// <summary>One epoch of the training history; a null field was not recorded for that epoch.</summary>
/// <param name="Epoch">Epoch number (x axis of the curves).</param>
/// <param name="TrainLoss">Mean training loss.</param>
/// <param name="ValLoss">Validation loss.</param>
/// <param name="TrainAccuracy">Training accuracy in [0, 1].</param>
/// <param name="ValAccuracy">Validation accuracy in [0, 1].</param>
/// <param name="LearningRate">Learning rate at the end of the epoch.</param>
/// <param name="Seconds">Wall-clock duration of the epoch.</param>
public sealed record EpochHistoryRow(
    int Epoch,
    double? TrainLoss = null,
    double? ValLoss = null,
    double? TrainAccuracy = null,
    double? ValAccuracy = null,
    double? LearningRate = null,
    double? Seconds = null);
