using MedLearn.Torch.Amp;

namespace MedLearn.Training;

/// <summary>What a task learns about the run before training starts.</summary>
/// <param name="Plan">Precision, memory format and device: put inputs through <see cref="PrecisionPlan.PrepareInput"/>.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Epochs">Total epochs.</param>
public sealed record TrainingContext(PrecisionPlan Plan, ulong Seed, int Epochs);
