using System.Diagnostics;
using System.Threading.Channels;
using MedLearn.Server.Http;
using MedLearn.Torch;

namespace MedLearn.Server.Inference;

/// <summary>
/// Dynamic batching for one model: requests put their preprocessed input [C, H, W] in a bounded queue; one worker takes
/// the first waiting input, waits at most <c>maxWait</c> for up to <c>maxBatch</c> - 1 more, stacks them, runs one
/// forward pass and hands each request its row. A full queue refuses at once (back-pressure: 429 with Retry-After);
/// a request whose client went away is dropped before its forward pass.
/// </summary>
/// <remarks>Inputs are handed over outside any dispose scope and freed by the worker (or here when refused).</remarks>
internal sealed class InferenceBatcher : IDisposable
{
    private readonly Channel<Pending> _queue;
    private readonly Func<Tensor, float[][]> _forward;
    private readonly int _maxBatch;
    private readonly TimeSpan _maxWait;
    private readonly int _retryAfter;
    private readonly Action<int, double> _onBatch;
    private readonly Action? _onDropped;
    private readonly Thread _worker;
    private int _waiting;
    private long _received;
    private long _dropped;

    /// <param name="forward">Runs a stacked batch [N, C, H, W] and returns N probability rows.</param>
    /// <param name="maxBatch">Most inputs per forward pass (1 = no batching).</param>
    /// <param name="maxWait">Longest wait for a batch to fill.</param>
    /// <param name="capacity">Inputs that may wait; more are refused.</param>
    /// <param name="retryAfterSeconds">Retry-After of a refusal.</param>
    /// <param name="onBatch">Called after each forward pass with its size and seconds (metrics).</param>
    /// <param name="onDropped">Called for each input dropped unrun because its client went away (metrics).</param>
    public InferenceBatcher(Func<Tensor, float[][]> forward, int maxBatch, TimeSpan maxWait, int capacity, int retryAfterSeconds, Action<int, double> onBatch,
        Action? onDropped = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _forward = forward;
        _maxBatch = maxBatch;
        _maxWait = maxWait;
        _retryAfter = retryAfterSeconds;
        _onBatch = onBatch;
        _onDropped = onDropped;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _worker = new Thread(Loop) { IsBackground = true, Name = "medlearn-batcher" };
        _worker.Start();
    }

    /// <summary>Inputs waiting now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Inputs accepted into the queue so far.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Inputs dropped without a forward pass because their client went away (while queued or while their batch filled).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Queues <paramref name="input"/> ([C, H, W], taken over: freed by the batcher) and returns its class probabilities
    /// with the batch size it ran in and the seconds it waited.
    /// </summary>
    /// <exception cref="ApiException">429 when the queue is full.</exception>
    /// <exception cref="OperationCanceledException">The client went away.</exception>
    public Task<BatchResult> EnqueueAsync(Tensor input, CancellationToken cancellation)
    {
        var pending = new Pending(input.DetachFromDisposeScope(), Stopwatch.GetTimestamp());
        if (!_queue.Writer.TryWrite(pending))
        {
            input.Dispose();
            throw new ApiException(429, "queue_full", $"the model's queue is full ({Waiting} images waiting); retry after {_retryAfter} s", _retryAfter);
        }
        Interlocked.Increment(ref _waiting);
        Interlocked.Increment(ref _received);
        if (cancellation.CanBeCanceled)
        {
            var registration = cancellation.Register(() => pending.Result.TrySetCanceled(cancellation));
            pending.Result.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }
        return pending.Result.Task;
    }

    /// <summary>
    /// The executor: one dedicated thread runs every forward pass of the model. An async loop would resume on whichever
    /// thread-pool thread is free, and each new thread that runs libtorch gets its own OpenMP team of intra-op threads,
    /// its own oneDNN scratchpad and its own malloc arena: threads and native memory grew with the requests served.
    /// </summary>
    private void Loop()
    {
        torch.SetThreadNumThreads(torch.NumThreads); // the intra-op pool sized to the cores (the process default)
        var reader = _queue.Reader;
        var batch = new List<Pending>(_maxBatch);
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            if (!reader.TryRead(out var first)) continue;
            Take(batch, first);
            if (_maxBatch > 1)
            {
                var deadline = Stopwatch.GetTimestamp() + (long)(_maxWait.TotalSeconds * Stopwatch.Frequency);
                while (batch.Count < _maxBatch)
                {
                    if (reader.TryRead(out var next)) { Take(batch, next); continue; }
                    var left = deadline - Stopwatch.GetTimestamp();
                    if (left <= 0) break;
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds((double)left / Stopwatch.Frequency));
                    try
                    {
                        if (!reader.WaitToReadAsync(timeout.Token).AsTask().GetAwaiter().GetResult()) break;
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }
            Run(batch);
        }
    }

    private void Take(List<Pending> batch, Pending item)
    {
        Interlocked.Decrement(ref _waiting);
        if (item.Result.Task.IsCompleted) Drop(item); // cancelled while waiting: no forward pass for it
        else batch.Add(item);
    }

    private void Drop(Pending item)
    {
        item.Input.Dispose();
        Interlocked.Increment(ref _dropped);
        _onDropped?.Invoke();
    }

    private void Run(List<Pending> batch)
    {
        // A client may have gone away while its batch was filling (up to maxWait): drop it here too.
        for (var i = batch.Count - 1; i >= 0; i--)
            if (batch[i].Result.Task.IsCompleted)
            {
                Drop(batch[i]);
                batch.RemoveAt(i);
            }
        if (batch.Count == 0) return;
        try
        {
            var clock = Stopwatch.StartNew();
            float[][] rows;
            using (DisposeScope.Open())
                rows = _forward(batch.Count == 1 ? batch[0].Input.Unsqueeze(0) : torch.Stack([.. batch.Select(p => p.Input)]));
            var seconds = clock.Elapsed.TotalSeconds;
            _onBatch(batch.Count, seconds);
            for (var i = 0; i < batch.Count; i++)
                batch[i].Result.TrySetResult(new BatchResult(rows[i], batch.Count, Stopwatch.GetElapsedTime(batch[i].Queued).TotalSeconds - seconds, seconds));
        }
        catch (Exception e)
        {
            foreach (var p in batch) p.Result.TrySetException(e);
        }
        finally
        {
            foreach (var p in batch) p.Input.Dispose();
        }
    }

    /// <summary>Stops taking requests, lets the worker finish what is queued, and frees what is left.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _worker.Join(TimeSpan.FromSeconds(30));
        while (_queue.Reader.TryRead(out var left))
        {
            left.Result.TrySetCanceled();
            left.Input.Dispose();
        }
    }

    private sealed record Pending(Tensor Input, long Queued)
    {
        public TaskCompletionSource<BatchResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>One request's share of a batch.</summary>
/// <param name="Probabilities">Class probabilities in the model's class order.</param>
/// <param name="BatchSize">Inputs in the forward pass it ran in.</param>
/// <param name="QueueSeconds">Seconds between queueing and the start of its forward pass.</param>
/// <param name="ForwardSeconds">Seconds of that forward pass.</param>
internal sealed record BatchResult(float[] Probabilities, int BatchSize, double QueueSeconds, double ForwardSeconds);
