using MedLearn.Data.Loading;

namespace MedLearn.Training;

/// <summary>
/// Collects the outputs of one validation pass and turns them into named metrics (e.g. "loss", "accuracy",
/// "auc"). Implementations keep managed copies of what they need (probabilities, targets), never tensors, so
/// nothing outlives the batch's dispose scope.
/// </summary>
public interface IValidationAccumulator
{
    /// <summary>Runs the model on one batch and records what the metrics need.</summary>
    void Add(Batch batch);

    /// <summary>The metrics of everything added (names without a "val_" prefix; the trainer adds it).</summary>
    IReadOnlyDictionary<string, double> Complete();
}
