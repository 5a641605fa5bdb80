namespace MedLearn.Data.Loading;

/// <summary>0, 1, ..., n−1 every epoch.</summary>
public sealed class SequentialSampler(int count) : ISampler
{
    /// <inheritdoc/>
    public int Count { get; } = count >= 0 ? count : throw new ArgumentOutOfRangeException(nameof(count));

    /// <inheritdoc/>
    public IEnumerable<int> Indices(int epoch) => Enumerable.Range(0, Count);
}
