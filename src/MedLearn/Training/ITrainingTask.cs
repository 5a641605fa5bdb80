using MedLearn.Data.Loading;
using MedLearn.Torch.Nn;

namespace MedLearn.Training;

/// <summary>
/// What a training method plugs into <see cref="Trainer"/>: the models it owns, the loss of one training batch
/// and the validation of one batch. The trainer owns everything around it (epochs, precision, backward,
/// clipping, optimiser and scheduler steps, validation passes, checkpoints, resume, divergence and cancellation),
/// so supervised classification, a mean teacher (student + EMA teacher, two views) or a multi-loss model
/// differ only in their task.
/// </summary>
public interface ITrainingTask
{
    /// <summary>The model that is optimised, validated, selected as "best" and exported.</summary>
    Module Model { get; }

    /// <summary>
    /// Further modules whose state is checkpointed and restored with the model, by name (e.g. "teacher");
    /// empty for plain supervised training. They are not optimised by the trainer's optimiser unless their
    /// parameters were given to it.
    /// </summary>
    IReadOnlyDictionary<string, Module> AuxiliaryModules { get; }

    /// <summary>
    /// Called once before training with the resolved precision plan (after the trainer moved
    /// <see cref="Model"/> and the auxiliary modules to the plan's memory format).
    /// </summary>
    void Prepare(TrainingContext context);

    /// <summary>
    /// Forward pass and loss of one training batch. Called in training mode, inside the step's dispose scope
    /// and the plan's autocast scope; the trainer runs backward and the optimiser step afterwards.
    /// </summary>
    TrainStepOutput TrainStep(Batch batch, StepInfo step);

    /// <summary>Called after every optimiser step that was applied (e.g. the EMA teacher update).</summary>
    void AfterOptimizerStep(StepInfo step);

    /// <summary>
    /// A fresh accumulator for one validation pass. The trainer feeds it every validation batch in evaluation
    /// mode, under inference mode and autocast, and reads the metrics at the end.
    /// </summary>
    IValidationAccumulator BeginValidation();
}
