namespace MedLearn.Data.Loading;

/// <summary>
/// Groups dataset indices into batches. A batch is made of one or more streams with fixed sizes
/// (<see cref="StreamSizes"/>): the first StreamSizes[0] indices of a batch come from stream 0, the next
/// StreamSizes[1] from stream 1, and so on (e.g. 12 labeled + 36 unlabeled). When the loader skips a failed
/// sample it fills the gap with the next sample of the same stream, which keeps every batch's composition.
/// </summary>
public interface IBatchSampler
{
    /// <summary>Samples per batch from each stream.</summary>
    IReadOnlyList<int> StreamSizes { get; }

    /// <summary>
    /// True when a batch that ends up smaller than the full size (last batch of an epoch, or short after
    /// skipped samples) is dropped; false = delivered as it is (only meaningful with a single stream).
    /// </summary>
    bool DropIncomplete { get; }

    /// <summary>Nominal number of batches per epoch (before skipped samples).</summary>
    int BatchesPerEpoch { get; }

    /// <summary>The batches of <paramref name="epoch"/>, a pure function of the sampler's settings and the epoch.</summary>
    IEnumerable<int[]> Batches(int epoch);
}
