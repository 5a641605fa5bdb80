using System.Diagnostics;

namespace MedLearn.Data.Loading;

/// <summary>
/// Counters of a <see cref="DataLoader"/>, cumulative since creation or the last <see cref="Reset"/>; safe to
/// read from any thread while an epoch runs.
/// </summary>
public sealed class LoaderStatistics
{
    private long _loaded, _skipped, _batches, _waitTicks, _elapsedTicks;

    /// <summary>Samples loaded and transformed successfully.</summary>
    public long SamplesLoaded => Interlocked.Read(ref _loaded);

    /// <summary>Samples dropped under <see cref="ErrorPolicy.Skip"/>.</summary>
    public long SamplesSkipped => Interlocked.Read(ref _skipped);

    /// <summary>Batches handed to the consumer.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Time the consumer was blocked waiting for the next batch (all loading time when Workers = 0).</summary>
    public TimeSpan DataWait => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _waitTicks));

    /// <summary>Wall time of the finished/ongoing epochs' enumeration (from the first request to the end).</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _elapsedTicks));

    /// <summary>
    /// DataWait / Elapsed in [0, 1] (0 before anything ran): the share of the consumer's time spent waiting for
    /// input. Below ~0.05 the training is not input-bound.
    /// </summary>
    public double DataWaitFraction
    {
        get
        {
            var e = Interlocked.Read(ref _elapsedTicks);
            return e <= 0 ? 0 : Math.Clamp((double)Interlocked.Read(ref _waitTicks) / e, 0, 1);
        }
    }

    /// <summary>Sets every counter to zero.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _loaded, 0);
        Interlocked.Exchange(ref _skipped, 0);
        Interlocked.Exchange(ref _batches, 0);
        Interlocked.Exchange(ref _waitTicks, 0);
        Interlocked.Exchange(ref _elapsedTicks, 0);
    }

    internal void AddLoaded() => Interlocked.Increment(ref _loaded);
    internal void AddSkipped() => Interlocked.Increment(ref _skipped);
    internal void AddBatch() => Interlocked.Increment(ref _batches);
    internal void AddWait(long stopwatchTicks) => Interlocked.Add(ref _waitTicks, stopwatchTicks);
    internal void AddElapsed(long stopwatchTicks) => Interlocked.Add(ref _elapsedTicks, stopwatchTicks);
}
