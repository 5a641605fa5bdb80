using MedLearn.Training;

namespace MedLearn.Runs;

/// <summary>Where a run's training continues from: the one rule every method's runner uses.</summary>
public static class ResumeCheckpoint
{
    /// <summary>
    /// The run's <c>checkpoints/last.pt</c> when <paramref name="resume"/> is set (for <see cref="Trainer.Fit"/>), null for a
    /// new run; a resume without that file is an <see cref="InvalidDataException"/> naming the run folder.
    /// </summary>
    public static string? Of(RunDirectory run, bool resume)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!resume) return null;
        var last = Path.Combine(run.CheckpointsDir, Trainer.LastCheckpointName);
        if (!File.Exists(last))
            throw new InvalidDataException($"{run.Path}: no {Path.Combine(RunDirectory.CheckpointsFolderName, Trainer.LastCheckpointName)} to resume from");
        return last;
    }
}
