using System.Collections.Concurrent;

namespace MedLearn.Data.Readers;

/// <summary>
/// The registry of image formats. <see cref="Read(string)"/> picks the reader by file content (magic bytes: every
/// reader's <see cref="IImageReader.CanReadContent"/> first), falling back to the extension only when no reader
/// recognises the content; content that is a known non-image format (gzip without NIfTI inside, ...) is refused
/// naming what it is; an unknown format lists the registered readers in its error.
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
    public static MedicalImage Read(string path) => ReaderFor(path).Read(path, ImageReadOptions.Default);

    /// <summary>Reads <paramref name="path"/> with <paramref name="options"/> (limits, display conventions).</summary>
    public static MedicalImage Read(string path, ImageReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ReaderFor(path).Read(path, options);
    }

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
        var readers = Readers;
        foreach (var reader in readers)
            if (reader.CanReadContent(header[..n])) return reader;
        if (!isDirectory && KnownOtherContent(header[..n]) is { } what)
            throw new ImageReadException(path, $"the content is {what}, not an image this toolkit reads (the extension is not used when the content is known)");
        foreach (var reader in readers)
            if (reader.CanRead(path, header[..n])) return reader;
        throw new ImageReadException(path,
            "unknown image format; registered readers: " + string.Join(", ", Readers.Select(r => r.Name)));
    }

    /// <summary>Names content that is recognisably not an image: gzip (without NIfTI inside), zip, PDF, text.</summary>
    private static string? KnownOtherContent(ReadOnlySpan<byte> h)
    {
        if (NiftiReader.IsGzip(h)) return "gzip-compressed data that is not a NIfTI image";
        if (h.StartsWith("PK\u0003\u0004"u8)) return "a zip archive";
        if (h.StartsWith("%PDF"u8)) return "a PDF document";
        return null;
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
