namespace MedLearn.Data.Loading;

/// <summary>Settings of a <see cref="DataLoader"/> (PyTorch DataLoader's arguments, plus views and the error policy).</summary>
public sealed record DataLoaderOptions
{
    /// <summary>Samples per batch (used when no batch sampler is given). Must be ≥ 1.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Visit samples in a fresh seeded permutation each epoch (<see cref="RandomSampler"/>) instead of in order.</summary>
    public bool Shuffle { get; init; }

    /// <summary>Drop the last, incomplete batch of an epoch (also when skipped samples leave it short).</summary>
    public bool DropLast { get; init; }

    /// <summary>Run seed: drives the shuffling and every sample's <see cref="Transforms.TransformContext"/>.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Background worker threads decoding and augmenting samples; 0 = load on the consumer's thread. Batches and
    /// their contents do not depend on this number.
    /// </summary>
    public int Workers { get; init; }

    /// <summary>Finished batches kept ready ahead of the consumer (bounded channel capacity, ≥ 1).</summary>
    public int PrefetchDepth { get; init; } = 2;

    /// <summary>Per-sample failure handling.</summary>
    public ErrorPolicy OnError { get; init; } = ErrorPolicy.Fail;

    /// <summary>Independently augmented views per sample: 1, or 2 for mean-teacher style student/teacher inputs.</summary>
    public int Views { get; init; } = 1;

    /// <summary>
    /// libtorch intra-op threads each worker thread uses (default 1): workers parallelise across samples, so
    /// letting each of them also use every core would oversubscribe the CPU the training thread needs.
    /// </summary>
    public int WorkerIntraOpThreads { get; init; } = 1;

    internal void Validate()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "must be ≥ 1");
        if (Workers < 0) throw new ArgumentOutOfRangeException(nameof(Workers), Workers, "must be ≥ 0");
        if (PrefetchDepth < 1) throw new ArgumentOutOfRangeException(nameof(PrefetchDepth), PrefetchDepth, "must be ≥ 1");
        if (Views is < 1 or > 2) throw new ArgumentOutOfRangeException(nameof(Views), Views, "must be 1 or 2");
        if (WorkerIntraOpThreads < 1) throw new ArgumentOutOfRangeException(nameof(WorkerIntraOpThreads), WorkerIntraOpThreads, "must be ≥ 1");
    }
}
