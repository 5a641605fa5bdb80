namespace MedLearn.Data.Loading;

/// <summary>A sample was dropped under <see cref="ErrorPolicy.Skip"/>.</summary>
public sealed class SampleSkippedEventArgs(int epoch, long index, string path, Exception error) : EventArgs
{
    /// <summary>Epoch being loaded.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>Dataset index of the dropped sample.</summary>
    public long Index { get; } = index;

    /// <summary>Its image path.</summary>
    public string Path { get; } = path;

    /// <summary>Why it failed (e.g. an <see cref="Readers.ImageReadException"/>).</summary>
    public Exception Error { get; } = error;
}
