namespace MedLearn.Data.Loading;

/// <summary>Position of a sample in an epoch's flattened batch stream.</summary>
internal readonly record struct Slot(long Position, int Index, int Stream);

/// <summary>
/// One loaded sample (all its views) or its failure, travelling from a worker to the batch assembler. Its
/// tensors belong to no dispose scope; whoever holds it last disposes it.
/// </summary>
internal sealed class LoadedSample(Slot slot, string path) : IDisposable
{
    public Slot Slot { get; } = slot;
    public string Path { get; } = path;
    public Sample[]? Views { get; set; }
    public Exception? Error { get; set; }

    /// <summary>True when <see cref="Error"/> is a data problem (unreadable/inconsistent file) that <see cref="ErrorPolicy.Skip"/> may drop.</summary>
    public bool IsDataError { get; set; }

    public void Dispose()
    {
        if (Views is null) return;
        foreach (var v in Views)
        {
            v.Image.Dispose();
            v.Mask?.Dispose();
        }
        Views = null;
    }
}
