using System.Diagnostics;
using MedLearn.Data.Datasets;
using MedLearn.Data.Readers;
using MedLearn.Data.Transforms;
using MedLearn.Torch;

namespace MedLearn.Data.Loading;

/// <summary>
/// Turns a dataset into batches (PyTorch's DataLoader): a batch sampler picks the indices, each sample is read
/// and transformed with its own <see cref="TransformContext"/> (seed, epoch, index, view), and samples are
/// stacked into a <see cref="Batch"/>.
/// </summary>
/// <remarks>
/// <para><b>Determinism.</b> Batches are delivered in sampler order and their contents are a function of
/// (dataset, transform, options without <see cref="DataLoaderOptions.Workers"/>, epoch): the worker count and
/// worker timing never change them, byte for byte.</para>
/// <para><b>Prefetching.</b> With Workers ≥ 1, that many background threads load samples while the consumer
/// trains; an assembler thread puts them back in order and stacks batches into a bounded channel of
/// <see cref="DataLoaderOptions.PrefetchDepth"/> batches. At most PrefetchDepth ready batches, one batch under
/// assembly and 2·Workers + (batch size) loaded samples exist at a time. Each worker runs libtorch ops with
/// <see cref="DataLoaderOptions.WorkerIntraOpThreads"/> intra-op threads (per-thread setting, see
/// <see cref="torch.SetThreadNumThreads"/>), so the consumer keeps the cores for training.</para>
/// <para><b>Failures.</b> A sample whose loading throws an <see cref="IOException"/> (including
/// <see cref="ImageReadException"/>), <see cref="InvalidDataException"/> or <see cref="DatasetException"/> is a data
/// failure: under <see cref="ErrorPolicy.Fail"/> enumeration throws a <see cref="LoaderException"/> naming the
/// path and reason (after the batches before it were delivered); under <see cref="ErrorPolicy.Skip"/> the sample
/// is dropped, counted in <see cref="LoaderStatistics.SamplesSkipped"/>, reported through
/// <see cref="SampleSkipped"/>, and its place is taken by the next sample of the same stream. Any other
/// exception (a bug in a transform) stops the loader under both policies.</para>
/// <para><b>Tensor lifetime.</b> Workers build each sample inside their own dispose scope and move the final
/// tensors out; delivered <see cref="Batch"/>es own their tensors and must be disposed by the consumer. Leaving
/// an epoch's enumeration early (break/exception) stops the workers and frees everything not yet delivered.</para>
/// </remarks>
public sealed class DataLoader
{
    /// <summary>Loader over <paramref name="dataset"/> with <paramref name="transform"/> (null = none).</summary>
    /// <param name="dataset">Source of samples.</param>
    /// <param name="transform">Applied to each sample view with its context.</param>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="batchSampler">
    /// Batch composition (e.g. <see cref="TwoStreamBatchSampler"/>); null = <see cref="BatchSampler"/> over a
    /// <see cref="RandomSampler"/> (Shuffle) or <see cref="SequentialSampler"/> with BatchSize and DropLast.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public DataLoader(ImageDataset dataset, ITransform? transform, DataLoaderOptions options, IBatchSampler? batchSampler = null)
    {
        options.Validate();
        Dataset = dataset;
        Transform = transform;
        Options = options;
        BatchSampler = batchSampler ?? new BatchSampler(
            options.Shuffle ? new RandomSampler(dataset.Count, options.Seed) : new SequentialSampler(dataset.Count),
            options.BatchSize, options.DropLast);
        if (BatchSampler.StreamSizes.Count == 0 || BatchSampler.StreamSizes.Any(s => s < 1))
            throw new ArgumentException("every stream of the batch sampler needs a size ≥ 1", nameof(batchSampler));
    }

    /// <summary>The dataset.</summary>
    public ImageDataset Dataset { get; }

    /// <summary>The per-sample transform, or null.</summary>
    public ITransform? Transform { get; }

    /// <summary>The settings.</summary>
    public DataLoaderOptions Options { get; }

    /// <summary>The batch sampler in use (this rank's <see cref="ShardedBatchSampler"/> while a data-parallel trainer runs).</summary>
    public IBatchSampler BatchSampler { get; private set; }

    /// <summary>
    /// Makes the loader deliver only rank <paramref name="rank"/>'s share of each batch (<see cref="ShardedBatchSampler"/>)
    /// until the returned handle is disposed; the data-parallel trainer does this for the duration of a fit.
    /// </summary>
    internal IDisposable Shard(int rank, int worldSize)
    {
        var original = BatchSampler;
        BatchSampler = new ShardedBatchSampler(original, rank, worldSize);
        return new Restore(() => BatchSampler = original);
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    /// <summary>Counters (samples, skips, batches, data-wait time).</summary>
    public LoaderStatistics Statistics { get; } = new();

    /// <summary>Nominal batches per epoch (fewer when skipped samples leave the last batch short and it is dropped).</summary>
    public int BatchesPerEpoch => BatchSampler.BatchesPerEpoch;

    /// <summary>
    /// Raised for every sample dropped under <see cref="ErrorPolicy.Skip"/>, in sample order; on the loader's
    /// assembler thread when Workers ≥ 1, else on the consumer's thread. Handlers must be quick and thread-safe.
    /// </summary>
    public event EventHandler<SampleSkippedEventArgs>? SampleSkipped;

    /// <summary>
    /// The batches of <paramref name="epoch"/> (0-based), lazily: loading starts at the first MoveNext and stops
    /// when the enumeration ends or is disposed. Dispose every batch received.
    /// </summary>
    /// <param name="epoch">0-based epoch (selects the sampler order and the augmentation streams).</param>
    /// <param name="startBatch">
    /// Number of the sampler's batches to pass over without loading them (resuming an interrupted epoch): the
    /// remaining batches are the same as in a full enumeration, and their <see cref="Batch.Number"/> continues
    /// from <paramref name="startBatch"/>. Exact unless samples were skipped under <see cref="ErrorPolicy.Skip"/>
    /// before that point (their replacements would have shifted the later batches).
    /// </param>
    /// <exception cref="LoaderException">A sample failed (see remarks) or samples could not be stacked.</exception>
    public IEnumerable<Batch> Epoch(int epoch, int startBatch = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(startBatch);
        return Options.Workers == 0 ? RunInline(epoch, startBatch) : RunPrefetched(epoch, startBatch);
    }

    private IEnumerable<Batch> RunInline(int epoch, int startBatch)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var batches = Assemble(Slots(epoch, startBatch).Select(s => Load(s, epoch)), epoch, startBatch).GetEnumerator();
            while (true)
            {
                var t0 = Stopwatch.GetTimestamp();
                var more = batches.MoveNext();
                Statistics.AddWait(Stopwatch.GetTimestamp() - t0);
                if (!more) yield break;
                Statistics.AddBatch();
                yield return batches.Current;
            }
        }
        finally
        {
            Statistics.AddElapsed(Stopwatch.GetTimestamp() - start);
        }
    }

    private IEnumerable<Batch> RunPrefetched(int epoch, int startBatch)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var pipeline = new PrefetchPipeline(this, epoch, startBatch);
            while (true)
            {
                var t0 = Stopwatch.GetTimestamp();
                var batch = pipeline.Next();
                Statistics.AddWait(Stopwatch.GetTimestamp() - t0);
                if (batch is null) yield break;
                Statistics.AddBatch();
                yield return batch;
            }
        }
        finally
        {
            Statistics.AddElapsed(Stopwatch.GetTimestamp() - start);
        }
    }

    /// <summary>The epoch's batches flattened into one stream of slots (position, dataset index, stream).</summary>
    internal IEnumerable<Slot> Slots(int epoch, int startBatch = 0)
    {
        var sizes = BatchSampler.StreamSizes;
        long position = 0;
        foreach (var batch in BatchSampler.Batches(epoch).Skip(startBatch))
        {
            int stream = 0, used = 0;
            foreach (var index in batch)
            {
                while (stream < sizes.Count - 1 && used >= sizes[stream]) { stream++; used = 0; }
                if ((uint)index >= (uint)Dataset.Count)
                    throw new LoaderException(null, index, $"the batch sampler produced index {index}, outside the dataset's {Dataset.Count} items");
                yield return new Slot(position++, index, stream);
                used++;
            }
        }
    }

    /// <summary>Loads all views of one slot in its own dispose scope; tensors leave the scope, failures are captured.</summary>
    internal LoadedSample Load(Slot slot, int epoch)
    {
        var result = new LoadedSample(slot, Dataset.Items[slot.Index].Path);
        try
        {
            using var scope = DisposeScope.Open();
            var views = Dataset.LoadViews(slot.Index, Transform, Options.Seed, epoch, Options.Views);
            foreach (var v in views)
            {
                scope.Detach(v.Image);
                if (v.Mask is not null) scope.Detach(v.Mask);
            }
            result.Views = views;
            Statistics.AddLoaded();
        }
        catch (Exception e)
        {
            result.Error = e;
            result.IsDataError = e is IOException or InvalidDataException or DatasetException;
        }
        return result;
    }

    /// <summary>
    /// Groups in-order loaded samples into batches: one queue per stream; a batch is emitted as soon as every
    /// stream has its quota. Failures are thrown or skipped per policy. Shared by the inline and prefetch paths,
    /// so both produce the same batches.
    /// </summary>
    internal IEnumerable<Batch> Assemble(IEnumerable<LoadedSample> samples, int epoch, int firstNumber = 0)
    {
        var sizes = BatchSampler.StreamSizes;
        var pending = sizes.Select(_ => new Queue<LoadedSample>()).ToArray();
        var number = firstNumber;
        try
        {
            foreach (var s in samples)
            {
                if (s.Error is { } e)
                {
                    if (Options.OnError == ErrorPolicy.Fail || !s.IsDataError)
                        throw new LoaderException(s.Path, s.Slot.Index, e is ImageReadException r ? r.Reason : e.Message, e);
                    Statistics.AddSkipped();
                    SampleSkipped?.Invoke(this, new SampleSkippedEventArgs(epoch, s.Slot.Index, s.Path, e));
                    continue;
                }
                pending[s.Slot.Stream].Enqueue(s);
                var full = true;
                for (var k = 0; k < sizes.Count; k++) full &= pending[k].Count >= sizes[k];
                if (!full) continue;
                var items = new List<LoadedSample>();
                for (var k = 0; k < sizes.Count; k++)
                    for (var j = 0; j < sizes[k]; j++) items.Add(pending[k].Dequeue());
                yield return Build(items, epoch, number++);
            }
            if (sizes.Count == 1 && !BatchSampler.DropIncomplete && pending[0].Count > 0)
            {
                var items = pending[0].ToList();
                pending[0].Clear();
                yield return Build(items, epoch, number++);
            }
        }
        finally
        {
            foreach (var q in pending)
                while (q.Count > 0) q.Dequeue().Dispose();
        }
    }

    private Batch Build(List<LoadedSample> items, int epoch, int number)
    {
        try
        {
            var views = Options.Views;
            var images = new Tensor[views];
            var masks = new Tensor?[views];
            Tensor labels;
            using (var scope = DisposeScope.Open())
            {
                for (var v = 0; v < views; v++)
                {
                    CheckShapes(items, v, epoch, number, mask: false);
                    images[v] = torch.Stack([.. items.Select(s => s.Views![v].Image)]);
                    var withMask = items.Count(s => s.Views![v].Mask is not null);
                    if (withMask == items.Count)
                    {
                        CheckShapes(items, v, epoch, number, mask: true);
                        masks[v] = torch.Stack([.. items.Select(s => s.Views![v].Mask!)]);
                    }
                    else if (withMask > 0)
                    {
                        var a = items.First(s => s.Views![v].Mask is not null);
                        var b = items.First(s => s.Views![v].Mask is null);
                        throw new LoaderException(null, -1, $"batch {number} of epoch {epoch}: {a.Path} has a mask but {b.Path} has none; a batch needs masks for all samples or none");
                    }
                }
                labels = torch.FromArray([.. items.Select(s => s.Views![0].Label)], items.Count);
                foreach (var t in images) scope.Detach(t);
                foreach (var t in masks) if (t is not null) scope.Detach(t);
                scope.Detach(labels);
            }
            var streamCounts = BatchSampler.StreamSizes.Select((_, k) => items.Count(s => s.Slot.Stream == k)).ToArray();
            return new Batch(images, masks, labels, [.. items.Select(s => (long)s.Slot.Index)], [.. items.Select(s => s.Path)], streamCounts, epoch, number);
        }
        finally
        {
            foreach (var s in items) s.Dispose();
        }
    }

    private static void CheckShapes(List<LoadedSample> items, int view, int epoch, int number, bool mask)
    {
        long[] ShapeOf(LoadedSample s) => (mask ? s.Views![view].Mask! : s.Views![view].Image).Shape;
        var first = ShapeOf(items[0]);
        foreach (var s in items.Skip(1))
        {
            var shape = ShapeOf(s);
            if (!shape.SequenceEqual(first))
                throw new LoaderException(null, -1,
                    $"batch {number} of epoch {epoch}: cannot stack {(mask ? "mask" : "image")} of {items[0].Path} [{string.Join(", ", first)}] with {s.Path} [{string.Join(", ", shape)}]; samples in a batch need equal shapes (add a resize or crop transform)");
        }
    }
}
