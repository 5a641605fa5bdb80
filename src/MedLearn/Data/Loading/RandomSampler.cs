using MedLearn.Data.Datasets;

namespace MedLearn.Data.Loading;

/// <summary>
/// A fresh permutation of 0..n−1 per epoch, determined by (seed, epoch) alone (SplitMix64-driven Fisher-Yates),
/// so epoch e is the same whether or not earlier epochs ran (resuming gives the same order).
/// </summary>
public sealed class RandomSampler(int count, ulong seed) : ISampler
{
    private const ulong Tag = 0x52_414E_444FUL; // "RANDO"

    /// <inheritdoc/>
    public int Count { get; } = count >= 0 ? count : throw new ArgumentOutOfRangeException(nameof(count));

    /// <summary>The run seed.</summary>
    public ulong Seed { get; } = seed;

    /// <inheritdoc/>
    public IEnumerable<int> Indices(int epoch) => SeededPermutation.Create(Count, SeededPermutation.Derive(Seed, Tag, (ulong)epoch));
}
