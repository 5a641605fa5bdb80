using MedLearn.Runs;
using MedLearn.Training;

namespace MedLearn.Methods.Supervised;

/// <summary>
/// The life of a run folder around training: a new folder is created only after the data was validated, is locked
/// (<see cref="RunLock"/>) while it trains, and is removed again when the run fails before its first checkpoint (bad
/// weights, a model that cannot take the images, ...), so failures leave no half-made run folder behind. A resumed
/// folder is locked first and cleared of temporary files of an interrupted write.
/// </summary>
internal static class RunGuard
{
    /// <summary>
    /// Creates a run folder under <paramref name="root"/> (run.json records <paramref name="kind"/>, <see cref="RunKinds"/>),
    /// locks it and runs <paramref name="work"/> in it.
    /// </summary>
    public static T InNewRun<T>(string root, string label, Func<RunDirectory, T> work, string? kind = null)
    {
        var run = RunDirectory.Create(root, label, kind: kind);
        try
        {
            using (RunLock.Acquire(run.Path))
            {
                DistributedLaunchRecord.Append(run, resumed: false);
                return work(run);
            }
        }
        catch
        {
            // Nothing worth keeping before the first checkpoint: remove the folder (best effort; the error matters more).
            if (!File.Exists(Path.Combine(run.CheckpointsDir, Trainer.LastCheckpointName)))
            {
                try { Directory.Delete(run.Path, recursive: true); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
            throw;
        }
    }

    /// <summary>Opens and locks the run folder <paramref name="path"/>, removes temporary files, and runs <paramref name="work"/> in it.</summary>
    public static T InExistingRun<T>(string path, Func<RunDirectory, T> work)
    {
        var run = RunDirectory.Open(path);
        using var runLock = RunLock.Acquire(run.Path);
        RunFolderCleanup.RemoveTemporaryFiles(run);
        DistributedLaunchRecord.Append(run, resumed: true);
        return work(run);
    }
}
