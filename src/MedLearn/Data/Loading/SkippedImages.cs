using System.Collections.Concurrent;

namespace MedLearn.Data.Loading;

/// <summary>
/// The images a run left out under <see cref="ErrorPolicy.Skip"/>, one entry per file (the first phase that met it),
/// in the order they were found. Thread-safe: loaders report from their worker threads.
/// </summary>
public sealed class SkippedImages
{
    private readonly ConcurrentDictionary<string, SkippedImage> _byPath = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SkippedImage> _order = new();

    /// <summary>Records <paramref name="path"/> (ignored when already recorded).</summary>
    public void Add(string path, string phase, string reason)
    {
        var entry = new SkippedImage(path, phase, reason);
        if (_byPath.TryAdd(path, entry)) _order.Enqueue(entry);
    }

    /// <summary>Records every sample <paramref name="loader"/> drops, under <paramref name="phase"/>.</summary>
    public void Watch(DataLoader loader, string phase)
    {
        ArgumentNullException.ThrowIfNull(loader);
        loader.SampleSkipped += (_, e) => Add(e.Path, phase, e.Error is Readers.ImageReadException r ? r.Reason : e.Error.Message);
    }

    /// <summary>Whether <paramref name="path"/> was recorded.</summary>
    public bool Contains(string path) => _byPath.ContainsKey(path);

    /// <summary>Number of files recorded.</summary>
    public int Count => _byPath.Count;

    /// <summary>The files recorded, in the order found.</summary>
    public IReadOnlyList<SkippedImage> Items => [.. _order];
}
