using System.Collections.Concurrent;

namespace MedLearn.Data.Readers;

/// <summary>
/// The registry of image formats. <see cref="Read"/> picks the reader by file content (magic bytes), falling
/// back to the extension; an unknown format lists the registered readers in its error.
/// </summary>
public static class ImageReader
{
    private static readonly ConcurrentQueue<IImageReader> s_readers = new();
    private static readonly Lock s_registrationLock = new();
    private static volatile bool s_builtInsRegistered;

    /// <summary>Registered readers, built-in ones first, in the order they are tried.</summary>
    public static IReadOnlyList<IImageReader> Readers
    {
        get
        {
            EnsureBuiltIns();
            return [.. s_readers];
        }
    }

    /// <summary>Adds a reader (tried after those already registered).</summary>
    public static void Register(IImageReader reader)
    {
        EnsureBuiltIns();
        s_readers.Enqueue(reader);
    }

    /// <summary>Reads <paramref name="path"/> (a file, or a folder for DICOM series) with the first reader that accepts it.</summary>
    public static MedicalImage Read(string path) => ReaderFor(path).Read(path);

    /// <summary>The reader that would read <paramref name="path"/>.</summary>
    public static IImageReader ReaderFor(string path)
    {
        var isDirectory = Directory.Exists(path);
        if (!isDirectory && !File.Exists(path)) throw new ImageReadException(path, "file not found");
        Span<byte> header = stackalloc byte[512];
        var n = 0;
        if (!isDirectory)
        {
            try
            {
                using var stream = File.OpenRead(path);
                n = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ImageReadException(path, $"cannot open: {e.Message}", e);
            }
            if (n == 0) throw new ImageReadException(path, "the file is empty");
        }
        foreach (var reader in Readers)
            if (reader.CanRead(path, header[..n])) return reader;
        throw new ImageReadException(path,
            "unknown image format; registered readers: " + string.Join(", ", Readers.Select(r => r.Name)));
    }

    private static void EnsureBuiltIns()
    {
        // Other threads must not see the flag before the built-ins are in the queue (parallel loader workers
        // would otherwise find no reader at all).
        if (s_builtInsRegistered) return;
        lock (s_registrationLock)
        {
            if (s_builtInsRegistered) return;
            foreach (var r in BuiltInReaders.Create()) s_readers.Enqueue(r);
            s_builtInsRegistered = true;
        }
    }
}
