namespace MedLearn.Data.Loading;

/// <summary>
/// The loader stopped: a sample failed under <see cref="ErrorPolicy.Fail"/> (or failed with an unexpected,
/// non-data error under any policy), or a batch could not be assembled. The message names the path and the reason.
/// </summary>
public sealed class LoaderException : Exception
{
    /// <summary>A failure of the sample at <paramref name="path"/> (dataset index <paramref name="index"/>).</summary>
    public LoaderException(string? path, long index, string reason, Exception? inner = null)
        : base(path is null ? reason : $"{path} (sample {index}): {reason}", inner)
    {
        Path = path;
        Index = index;
        Reason = reason;
    }

    /// <summary>The file that failed, or null for batch-level failures.</summary>
    public string? Path { get; }

    /// <summary>Dataset index of the failed sample, or -1.</summary>
    public long Index { get; }

    /// <summary>What went wrong.</summary>
    public string Reason { get; }
}
