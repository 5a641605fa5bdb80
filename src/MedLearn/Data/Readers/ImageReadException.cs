namespace MedLearn.Data.Readers;

/// <summary>
/// An image could not be read: the message names the file and the problem (truncated, corrupt, unsupported,
/// no pixel data, inconsistent series...). Never contains patient identifiers.
/// </summary>
public sealed class ImageReadException : IOException
{
    public ImageReadException(string path, string reason, Exception? inner = null)
        : base($"{path}: {reason}", inner)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The file or folder that failed.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; }
}
