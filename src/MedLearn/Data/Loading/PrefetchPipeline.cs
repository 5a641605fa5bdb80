using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using MedLearn.Torch;

namespace MedLearn.Data.Loading;

/// <summary>
/// One epoch of background loading: N worker threads take slots in order from the epoch's slot stream and load
/// them (each with its own per-thread intra-op setting); an assembler thread takes the results back IN SLOT
/// ORDER from a reorder buffer, groups and stacks them (<see cref="DataLoader.Assemble"/>) and writes batches
/// into a bounded channel read by the consumer. A semaphore of 2·workers + batch-size slots bounds the samples
/// loaded but not yet assembled; the channel bounds the finished batches. Disposing stops everything and frees
/// whatever was not delivered.
/// </summary>
internal sealed class PrefetchPipeline : IDisposable
{
    private readonly DataLoader _loader;
    private readonly int _epoch;
    private readonly int _startBatch;
    private readonly CancellationTokenSource _cts = new();
    private readonly CancellationTokenRegistration _wakeOnCancel;
    private readonly object _gate = new();
    private readonly IEnumerator<Slot> _slots;
    private readonly Dictionary<long, LoadedSample> _ready = [];
    private readonly SemaphoreSlim _window;
    private readonly Channel<Batch> _batches;
    private readonly Thread[] _workers;
    private readonly Thread _assembler;
    private long _issued;
    private bool _exhausted;
    private Exception? _workerError;
    private volatile Exception? _error;
    private bool _disposed;

    public PrefetchPipeline(DataLoader loader, int epoch, int startBatch = 0)
    {
        _loader = loader;
        _epoch = epoch;
        _startBatch = startBatch;
        var options = loader.Options;
        _slots = loader.Slots(epoch, startBatch).GetEnumerator();
        _window = new SemaphoreSlim(2 * options.Workers + loader.BatchSampler.StreamSizes.Sum());
        _batches = Channel.CreateBounded<Batch>(new BoundedChannelOptions(options.PrefetchDepth)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _wakeOnCancel = _cts.Token.Register(() => { lock (_gate) Monitor.PulseAll(_gate); });
        _workers = new Thread[options.Workers];
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"MedLearn loader worker {i}" };
            _workers[i].Start();
        }
        _assembler = new Thread(AssemblerLoop) { IsBackground = true, Name = "MedLearn loader assembler" };
        _assembler.Start();
    }

    /// <summary>The next batch in order, null at the end of the epoch; rethrows the pipeline's failure after the batches before it.</summary>
    public Batch? Next()
    {
        var reader = _batches.Reader;
        while (true)
        {
            if (reader.TryRead(out var batch)) return batch;
            if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                if (_error is { } e) ExceptionDispatchInfo.Capture(e).Throw();
                return null;
            }
        }
    }

    private void WorkerLoop()
    {
        var ct = _cts.Token;
        try
        {
            torch.SetThreadNumThreads(_loader.Options.WorkerIntraOpThreads);
            while (true)
            {
                _window.Wait(ct);
                Slot slot;
                lock (_gate)
                {
                    if (_exhausted || !_slots.MoveNext())
                    {
                        _exhausted = true;
                        Monitor.PulseAll(_gate);
                        return;
                    }
                    slot = _slots.Current;
                    _issued++;
                }
                var result = _loader.Load(slot, _epoch);
                lock (_gate)
                {
                    _ready[slot.Position] = result;
                    Monitor.PulseAll(_gate);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e)
        {
            lock (_gate)
            {
                _workerError ??= e;
                _exhausted = true;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private IEnumerable<LoadedSample> InOrder()
    {
        var ct = _cts.Token;
        for (long position = 0; ; position++)
        {
            LoadedSample? next = null;
            lock (_gate)
            {
                while (true)
                {
                    ct.ThrowIfCancellationRequested();
                    if (_ready.Remove(position, out next)) break;
                    if (_workerError is { } e) ExceptionDispatchInfo.Capture(e).Throw();
                    if (_exhausted && position >= _issued) break;
                    Monitor.Wait(_gate);
                }
            }
            if (next is null) yield break;
            _window.Release();
            yield return next;
        }
    }

    private void AssemblerLoop()
    {
        var ct = _cts.Token;
        try
        {
            torch.SetThreadNumThreads(_loader.Options.WorkerIntraOpThreads);
            foreach (var batch in _loader.Assemble(InOrder(), _epoch, _startBatch))
            {
                try { _batches.Writer.WriteAsync(batch, ct).AsTask().GetAwaiter().GetResult(); }
                catch
                {
                    batch.Dispose();
                    throw;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e) { _error = e; }
        finally { _batches.Writer.TryComplete(); }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _cts.Cancel();
        foreach (var w in _workers) w.Join();
        _assembler.Join();
        while (_batches.Reader.TryRead(out var b)) b.Dispose();
        lock (_gate)
        {
            foreach (var s in _ready.Values) s.Dispose();
            _ready.Clear();
        }
        _wakeOnCancel.Dispose();
        _slots.Dispose();
        _window.Dispose();
        _cts.Dispose();
    }
}
