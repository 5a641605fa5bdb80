namespace MedLearn.Runs;

/// <summary>
/// A file or folder of a training run is missing or malformed: a folder that is not a run folder, a history or
/// predictions CSV with a bad header or row, an unreadable metrics file. The message names the file and, for CSV
/// files, the 1-based row (the header is row 1).
/// </summary>
public sealed class RunFileException : Exception
{
    /// <summary>A problem with <paramref name="path"/>.</summary>
    public RunFileException(string path, string message, Exception? inner = null) : base(message, inner) => Path = path;

    /// <summary>The file or folder concerned.</summary>
    public string Path { get; }
}
