namespace MedLearn.Training;

/// <summary>
/// Observer of a training run (progress bars, history files, TensorBoard). Called synchronously on the training
/// thread, so handlers must be quick; the library itself never prints. Every method has a no-op default.
/// </summary>
public interface ITrainingCallback
{
    /// <summary>Pretrained weights (<c>--weights</c>) were loaded into the model, before training starts.</summary>
    void OnWeightsLoaded(Models.WeightsImportReport report) { }

    /// <summary>Training starts (or resumes).</summary>
    void OnTrainingStart(TrainingStart start) { }

    /// <summary>An optimiser step finished.</summary>
    void OnStep(StepReport step) { }

    /// <summary>An epoch finished, validated, scheduled and checkpointed.</summary>
    void OnEpochEnd(EpochRecord epoch) { }

    /// <summary>A checkpoint was written.</summary>
    void OnCheckpointSaved(CheckpointSaved checkpoint) { }

    /// <summary>Training ended (any status).</summary>
    void OnTrainingEnd(TrainingResult result) { }

    /// <summary>
    /// Progress of a phase other than the training steps: validation after an epoch, the held-out evaluation, the
    /// latency timing, the report's explanations. Reported after each unit of work (batch, image); quick handlers only.
    /// </summary>
    void OnPhaseProgress(PhaseProgress progress) { }
}

/// <summary>Names of the phases <see cref="ITrainingCallback.OnPhaseProgress"/> reports.</summary>
public static class ProgressPhases
{
    /// <summary>The validation pass after an epoch (unit: batches).</summary>
    public const string Validation = "validation";

    /// <summary>The held-out evaluation of the exported model (unit: images).</summary>
    public const string Evaluation = "evaluation";

    /// <summary>The per-image latency timing (unit: forward passes, warm-up included).</summary>
    public const string Latency = "latency";

    /// <summary>The report's explanations (unit: images).</summary>
    public const string Explanations = "explanations";
}

/// <summary>Reported by <see cref="ITrainingCallback.OnPhaseProgress"/>.</summary>
/// <param name="Phase">One of <see cref="ProgressPhases"/>.</param>
/// <param name="Done">Units done so far (0 when the phase starts).</param>
/// <param name="Total">Units in the phase.</param>
/// <param name="Unit">What a unit is ("batches", "images", "passes").</param>
public sealed record PhaseProgress(string Phase, int Done, int Total, string Unit)
{
    /// <summary>An <see cref="IProgress{T}"/> of done counts that forwards to <paramref name="callbacks"/> as <see cref="PhaseProgress"/> (null when there are none).</summary>
    public static IProgress<int>? To(IEnumerable<ITrainingCallback>? callbacks, string phase, int total, string unit)
    {
        var list = callbacks?.ToList();
        if (list is null || list.Count == 0) return null;
        return new Forwarder(list, phase, total, unit);
    }

    private sealed class Forwarder(List<ITrainingCallback> callbacks, string phase, int total, string unit) : IProgress<int>
    {
        public void Report(int value)
        {
            var p = new PhaseProgress(phase, value, total, unit);
            foreach (var c in callbacks) c.OnPhaseProgress(p);
        }
    }
}

/// <summary>Announced by <see cref="ITrainingCallback.OnTrainingStart"/>.</summary>
/// <param name="Epochs">Total epochs of the run.</param>
/// <param name="StartEpoch">0-based epoch training starts at (greater than 0 after a resume).</param>
/// <param name="StartBatch">Batch within <paramref name="StartEpoch"/> training starts at (resume of an interrupted epoch).</param>
/// <param name="BatchesPerEpoch">Nominal batches per epoch.</param>
/// <param name="PrecisionDescription">The resolved precision plan, in words.</param>
/// <param name="ResumedFrom">The checkpoint resumed from, or null.</param>
/// <param name="History">Epochs finished before a resume (empty otherwise).</param>
public sealed record TrainingStart(int Epochs, int StartEpoch, int StartBatch, int BatchesPerEpoch, string PrecisionDescription,
    string? ResumedFrom, IReadOnlyList<EpochRecord> History);

/// <summary>One optimiser step, reported by <see cref="ITrainingCallback.OnStep"/>.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Batch">0-based batch within the epoch.</param>
/// <param name="BatchesPerEpoch">Nominal batches per epoch.</param>
/// <param name="GlobalStep">Optimiser steps taken so far (1 after the first).</param>
/// <param name="Loss">The batch's loss.</param>
/// <param name="LearningRate">Learning rate of the first parameter group used for the step.</param>
/// <param name="Samples">Samples in the batch.</param>
/// <param name="GradientNorm">Total gradient norm before clipping, when clipping is on; else null.</param>
public sealed record StepReport(int Epoch, int Batch, int BatchesPerEpoch, long GlobalStep, double Loss, double LearningRate, int Samples, double? GradientNorm);

/// <summary>Kind of a saved checkpoint.</summary>
public enum CheckpointKind
{
    /// <summary>last.pt at the end of an epoch (or every N steps): what a resume starts from.</summary>
    Last,
    /// <summary>One of the best-k files by the monitored metric (model weights only).</summary>
    Best,
    /// <summary>last.pt written because the run was cancelled mid-epoch.</summary>
    Interrupted,
}

/// <summary>Reported by <see cref="ITrainingCallback.OnCheckpointSaved"/>.</summary>
/// <param name="Path">The file written.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Epoch">0-based epoch the state belongs to.</param>
/// <param name="Metric">Monitored metric value for best checkpoints; else null.</param>
public sealed record CheckpointSaved(string Path, CheckpointKind Kind, int Epoch, double? Metric);
