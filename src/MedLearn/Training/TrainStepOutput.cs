using MedLearn.Torch;

namespace MedLearn.Training;

/// <summary>The result of <see cref="ITrainingTask.TrainStep"/>.</summary>
/// <param name="Loss">Scalar loss to back-propagate (belongs to the step's dispose scope).</param>
/// <param name="Samples">Number of samples the loss averages over (weights the epoch means).</param>
/// <param name="Logs">
/// Further per-batch scalars to report and average over the epoch (e.g. "accuracy", "ce", "consistency"),
/// as 0-dimensional tensors of the step's scope or null. The trainer reads them after the optimiser step.
/// </param>
public sealed record TrainStepOutput(Tensor Loss, int Samples, IReadOnlyDictionary<string, Tensor>? Logs = null);
