namespace MedLearn.Training;

/// <summary>Where a training step is in the run.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Batch">0-based batch number within the epoch.</param>
/// <param name="BatchesPerEpoch">Nominal batches in the epoch.</param>
/// <param name="GlobalStep">Optimiser steps taken before this one over the whole run (0-based).</param>
/// <param name="Epochs">Total epochs of the run.</param>
public readonly record struct StepInfo(int Epoch, int Batch, int BatchesPerEpoch, long GlobalStep, int Epochs);
