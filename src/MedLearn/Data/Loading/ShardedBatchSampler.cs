namespace MedLearn.Data.Loading;

/// <summary>
/// This rank's share of another batch sampler's global batches (data-parallel training; PyTorch's DistributedSampler
/// at batch level): every global batch of the inner sampler is split across <see cref="WorldSize"/> ranks, stream by
/// stream, so rank r gets the r-th contiguous slice of each stream (e.g. of 12 labeled + 36 unlabeled over 2 ranks,
/// rank 1 gets labeled 6..11 and unlabeled 18..35 of the global batch).
/// </summary>
/// <remarks>
/// <para>The shards of one epoch are disjoint and together are exactly the inner sampler's epoch, which is a pure
/// function of (seed, epoch): the union over ranks of a step's batches is the batch single-process training would
/// have used, whatever the number of ranks (so a run resumes on another number of processes with the same data order).</para>
/// <para>Every stream size must be divisible by the world size. A last incomplete global batch (single stream,
/// not dropped) of m samples is split as evenly as possible (slices differ by at most one sample); when m is smaller
/// than the world size it is dropped on every rank, because every rank must run the same number of steps.</para>
/// </remarks>
public sealed class ShardedBatchSampler : IBatchSampler
{
    private readonly IBatchSampler _inner;
    private readonly int[] _globalSizes;

    /// <summary>Rank <paramref name="rank"/>'s share of <paramref name="inner"/>'s batches over <paramref name="worldSize"/> ranks.</summary>
    /// <exception cref="ArgumentException">A stream size is not divisible by the world size, or the rank is out of range.</exception>
    public ShardedBatchSampler(IBatchSampler inner, int rank, int worldSize)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(worldSize, 1);
        if (rank < 0 || rank >= worldSize) throw new ArgumentOutOfRangeException(nameof(rank), $"rank {rank} is outside 0..{worldSize - 1}");
        _inner = inner;
        _globalSizes = [.. inner.StreamSizes];
        foreach (var s in _globalSizes)
            if (s % worldSize != 0)
                throw new ArgumentException(
                    $"the global batch size {string.Join(" + ", _globalSizes)} cannot be split over {worldSize} processes: " +
                    $"each stream's size must be divisible by {worldSize} (the batch size is the global one, shared by the processes)");
        Rank = rank;
        WorldSize = worldSize;
        StreamSizes = [.. _globalSizes.Select(s => s / worldSize)];
    }

    /// <summary>This rank.</summary>
    public int Rank { get; }

    /// <summary>Number of ranks.</summary>
    public int WorldSize { get; }

    /// <summary>The global sampler being split.</summary>
    public IBatchSampler Inner => _inner;

    /// <inheritdoc/>
    public IReadOnlyList<int> StreamSizes { get; }

    /// <inheritdoc/>
    public bool DropIncomplete => _inner.DropIncomplete;

    /// <inheritdoc/>
    public int BatchesPerEpoch => _inner.BatchesPerEpoch;

    /// <inheritdoc/>
    public IEnumerable<int[]> Batches(int epoch)
    {
        var full = _globalSizes.Sum();
        foreach (var global in _inner.Batches(epoch))
        {
            if (global.Length == full)
            {
                var shard = new int[StreamSizes.Sum()];
                int offset = 0, at = 0;
                for (var s = 0; s < _globalSizes.Length; s++)
                {
                    Array.Copy(global, offset + Rank * StreamSizes[s], shard, at, StreamSizes[s]);
                    offset += _globalSizes[s];
                    at += StreamSizes[s];
                }
                yield return shard;
            }
            else if (global.Length >= WorldSize)
            {
                // Incomplete last batch (single stream): near-equal contiguous slices.
                var from = (int)((long)global.Length * Rank / WorldSize);
                var to = (int)((long)global.Length * (Rank + 1) / WorldSize);
                yield return global[from..to];
            }
        }
    }
}
