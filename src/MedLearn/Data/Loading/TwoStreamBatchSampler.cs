using MedLearn.Data.Datasets;

namespace MedLearn.Data.Loading;

/// <summary>
/// Semi-supervised batches with a fixed composition (UA-MT / SRC-MT's TwoStreamBatchSampler): every batch holds
/// <see cref="PrimaryBatchSize"/> indices of the primary (labeled) set followed by
/// <see cref="SecondaryBatchSize"/> of the secondary (unlabeled) set.
/// </summary>
/// <remarks>
/// An epoch is one pass over the primary set in a fresh permutation of (seed, epoch):
/// floor(|primary| / primaryBatch) batches; the remaining primary indices are left out of that epoch.
/// The secondary set is an endless stream that cycles: pass c is a permutation of (seed, c), and epoch e starts
/// at stream position e · BatchesPerEpoch · secondaryBatch, so any epoch can be produced without the earlier
/// ones and consecutive epochs continue the stream. Batches are always complete (<see cref="DropIncomplete"/>).
/// </remarks>
public sealed class TwoStreamBatchSampler : IBatchSampler
{
    private const ulong PrimaryTag = 0x5052_494DUL;   // "PRIM"
    private const ulong SecondaryTag = 0x5345_434FUL; // "SECO"
    private readonly int[] _primary;
    private readonly int[] _secondary;

    /// <summary>Batches of <paramref name="primaryBatchSize"/> primary + <paramref name="secondaryBatchSize"/> secondary indices.</summary>
    /// <exception cref="ArgumentException">
    /// The primary set is smaller than the primary batch, the secondary set is empty, or a batch size is below 1.
    /// </exception>
    public TwoStreamBatchSampler(IReadOnlyList<int> primaryIndices, IReadOnlyList<int> secondaryIndices, int primaryBatchSize, int secondaryBatchSize, ulong seed)
    {
        if (primaryBatchSize < 1 || secondaryBatchSize < 1)
            throw new ArgumentException($"batch sizes must be ≥ 1, got {primaryBatchSize} labeled + {secondaryBatchSize} unlabeled");
        if (primaryIndices.Count < primaryBatchSize)
            throw new ArgumentException($"the labeled set has {primaryIndices.Count} samples, fewer than the labeled batch size {primaryBatchSize}");
        if (secondaryIndices.Count == 0)
            throw new ArgumentException("the unlabeled set is empty: a two-stream batch needs at least one unlabeled sample");
        _primary = [.. primaryIndices];
        _secondary = [.. secondaryIndices];
        PrimaryBatchSize = primaryBatchSize;
        SecondaryBatchSize = secondaryBatchSize;
        Seed = seed;
        StreamSizes = [primaryBatchSize, secondaryBatchSize];
    }

    /// <summary>A sampler whose primary stream is <paramref name="dataset"/>'s labeled items and secondary stream its unlabeled items.</summary>
    public static TwoStreamBatchSampler ForDataset(ImageDataset dataset, int labeledBatchSize, int unlabeledBatchSize, ulong seed) =>
        new(dataset.LabeledIndices(), dataset.UnlabeledIndices(), labeledBatchSize, unlabeledBatchSize, seed);

    /// <summary>Primary indices per batch.</summary>
    public int PrimaryBatchSize { get; }

    /// <summary>Secondary indices per batch.</summary>
    public int SecondaryBatchSize { get; }

    /// <summary>The run seed.</summary>
    public ulong Seed { get; }

    /// <inheritdoc/>
    public IReadOnlyList<int> StreamSizes { get; }

    /// <inheritdoc/>
    public bool DropIncomplete => true;

    /// <inheritdoc/>
    public int BatchesPerEpoch => _primary.Length / PrimaryBatchSize;

    /// <inheritdoc/>
    public IEnumerable<int[]> Batches(int epoch)
    {
        var perm = SeededPermutation.Create(_primary.Length, SeededPermutation.Derive(Seed, PrimaryTag, (ulong)epoch));
        var s = _secondary.Length;
        var position = (long)epoch * BatchesPerEpoch * SecondaryBatchSize;
        var cycle = position / s;
        var cyclePerm = SecondaryPermutation(cycle);
        for (var b = 0; b < BatchesPerEpoch; b++)
        {
            var batch = new int[PrimaryBatchSize + SecondaryBatchSize];
            for (var j = 0; j < PrimaryBatchSize; j++) batch[j] = _primary[perm[b * PrimaryBatchSize + j]];
            for (var j = 0; j < SecondaryBatchSize; j++, position++)
            {
                if (position / s != cycle) { cycle = position / s; cyclePerm = SecondaryPermutation(cycle); }
                batch[PrimaryBatchSize + j] = _secondary[cyclePerm[(int)(position % s)]];
            }
            yield return batch;
        }
    }

    private int[] SecondaryPermutation(long cycle) =>
        SeededPermutation.Create(_secondary.Length, SeededPermutation.Derive(Seed, SecondaryTag, (ulong)cycle));
}
