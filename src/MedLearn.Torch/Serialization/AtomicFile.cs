namespace MedLearn.Torch.Serialization;

/// <summary>
/// Writes a file atomically: into a temporary file in the same folder, flushed to disk, then renamed over
/// the destination. Readers see the old file or the complete new one; on failure the temporary file is
/// deleted and the destination is untouched. Shared by PyTorch files (checkpoints: durable) and the toolkit's
/// image writers (many small files: no fsync, folder created on demand).
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// Test seam for fault injection (e.g. a disk that fills up mid-write): wraps the temporary file's stream.
    /// Null in production.
    /// </summary>
    internal static Func<Stream, Stream>? WrapStreamForTests { get; set; }

    /// <summary>Runs <paramref name="write"/> on a temporary file and moves it to <paramref name="path"/>.</summary>
    /// <param name="path">Destination.</param>
    /// <param name="write">Writes the content.</param>
    /// <param name="durable">Flush to disk before the rename (checkpoints); off for bulk small files.</param>
    /// <param name="createDirectory">Create the parent folder if missing instead of failing.</param>
    public static void Write(string path, Action<Stream> write, bool durable = true, bool createDirectory = false)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? throw new ArgumentException($"{path} has no parent folder");
        if (createDirectory) Directory.CreateDirectory(dir);
        else if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{path}: parent folder {dir} does not exist");
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                using var stream = WrapStreamForTests?.Invoke(file) ?? file;
                write(stream);
                stream.Flush();
                file.Flush(flushToDisk: durable);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); }
            catch (IOException) { /* best effort: the original error matters */ }
            catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
