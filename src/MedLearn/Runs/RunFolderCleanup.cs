namespace MedLearn.Runs;

/// <summary>
/// Housekeeping of a run folder before training starts or resumes: temporary files of an interrupted atomic write
/// (<c>.&lt;name&gt;.&lt;guid&gt;.tmp</c>, left when a process is killed between writing and renaming) are removed from the
/// folder and its <c>checkpoints/</c>. The files they were meant to replace are intact (the rename never happened).
/// </summary>
public static class RunFolderCleanup
{
    /// <summary>Deletes the temporary files; returns their paths.</summary>
    public static IReadOnlyList<string> RemoveTemporaryFiles(RunDirectory run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var removed = new List<string>();
        foreach (var dir in new[] { run.Path, run.CheckpointsDir })
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.GetFiles(dir, ".*.tmp"))
            {
                try
                {
                    File.Delete(file);
                    removed.Add(file);
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
        return removed;
    }
}
