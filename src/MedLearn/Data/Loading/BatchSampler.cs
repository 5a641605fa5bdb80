namespace MedLearn.Data.Loading;

/// <summary>Consecutive runs of a fixed number of indices of a sampler (PyTorch's BatchSampler).</summary>
public sealed class BatchSampler : IBatchSampler
{
    private readonly ISampler _sampler;

    /// <summary>Batches of <paramref name="batchSize"/> from <paramref name="sampler"/>; with <paramref name="dropLast"/> a last incomplete batch is dropped.</summary>
    public BatchSampler(ISampler sampler, int batchSize, bool dropLast)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _sampler = sampler;
        StreamSizes = [batchSize];
        DropIncomplete = dropLast;
    }

    /// <inheritdoc/>
    public IReadOnlyList<int> StreamSizes { get; }

    /// <inheritdoc/>
    public bool DropIncomplete { get; }

    /// <inheritdoc/>
    public int BatchesPerEpoch => DropIncomplete ? _sampler.Count / StreamSizes[0] : (_sampler.Count + StreamSizes[0] - 1) / StreamSizes[0];

    /// <inheritdoc/>
    public IEnumerable<int[]> Batches(int epoch)
    {
        var size = StreamSizes[0];
        var batch = new List<int>(size);
        foreach (var i in _sampler.Indices(epoch))
        {
            batch.Add(i);
            if (batch.Count == size) { yield return [.. batch]; batch.Clear(); }
        }
        if (batch.Count > 0 && !DropIncomplete) yield return [.. batch];
    }
}
