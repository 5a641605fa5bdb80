using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Distributed;

/// <summary>
/// A c10d process group (libtorch's, the one PyTorch's torch.distributed uses): the ranks of a job, joined through
/// a TCP store, with Gloo (CPU) or NCCL (GPU) collectives. Every collective blocks until all ranks took part or the
/// timeout passed; a peer that exits, crashes or stops answering raises <see cref="TorchException"/> naming the
/// collective, the rank and the timeout, never a hang past the timeout.
/// </summary>
/// <remarks>Every rank must call the same collectives in the same order with tensors of the same shapes and dtypes.
/// The store layout is torch.distributed's (init_process_group with env://), so a Python rank can join the group.</remarks>
public sealed class ProcessGroup : IDisposable
{
    /// <summary>Default bucket size of the coalesced collectives (DDP's bucket_cap_mb = 25).</summary>
    public const long DefaultBucketBytes = 25L << 20;

    private readonly ProcessGroupNativeHandle _handle;
    private static ProcessGroup? s_default;

    /// <summary>
    /// The process's default group (torch.distributed's default group): set once by the program that joined a job
    /// (the medlearn CLI when WORLD_SIZE &gt; 1) and picked up by the trainer of every method; null = single process.
    /// </summary>
    public static ProcessGroup? Default
    {
        get => s_default is { } g && !g._handle.IsClosed ? g : null;
        set => s_default = value;
    }

    private ProcessGroup(ProcessGroupNativeHandle handle, DistributedOptions options)
    {
        _handle = handle;
        Options = options;
    }

    /// <summary>Backends compiled into the native shim ("gloo", and "nccl" when built against a CUDA libtorch).</summary>
    public static IReadOnlyList<string> CompiledBackends
    {
        get
        {
            Native.EnsureLoaded();
            return (Native.PtrToString(Native.ml_dist_backends()) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    /// <summary>
    /// Joins the job described by <paramref name="options"/>: rank 0 hosts the TCP store, every rank connects,
    /// registers and builds the backend's group. Blocks until all <see cref="DistributedOptions.WorldSize"/> ranks arrived.
    /// </summary>
    /// <exception cref="TorchException">The port is in use, the store is unreachable, a rank never joined within the timeout
    /// (the message names it), ranks disagree on the world size, a rank is claimed twice, or the backend is not compiled in.</exception>
    public static ProcessGroup Join(DistributedOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Native.EnsureLoaded();
        var p = Native.ml_dist_init(options.Backend, options.MasterAddress, options.MasterPort, options.Rank, options.WorldSize,
            (long)Math.Ceiling(options.Timeout.TotalMilliseconds), options.AgentStore ? 1 : 0);
        if (p == IntPtr.Zero) throw Native.ThrowLastError();
        return new ProcessGroup(new ProcessGroupNativeHandle(p), options);
    }

    /// <summary>How this group was joined.</summary>
    public DistributedOptions Options { get; }

    /// <summary>This process's rank.</summary>
    public int Rank => Options.Rank;

    /// <summary>Number of ranks.</summary>
    public int WorldSize => Options.WorldSize;

    internal ProcessGroupNativeHandle NativeHandle => Handle;

    private ProcessGroupNativeHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle;
        }
    }

    /// <summary>Combines each tensor in place over the ranks (contiguous tensors of equal shape and dtype on every rank).</summary>
    public unsafe void AllReduce(Tensor[] tensors, ReduceOp op = ReduceOp.Sum)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var handles = Raw(tensors);
        fixed (IntPtr* p = handles) Native.ml_dist_all_reduce(Handle, p, handles.Length, (int)op);
        GC.KeepAlive(tensors);
        Native.Check();
    }

    /// <summary>Combines <paramref name="tensor"/> in place over the ranks.</summary>
    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum) => AllReduce([tensor], op);

    /// <summary>Overwrites each tensor on every rank with <paramref name="root"/>'s.</summary>
    public unsafe void Broadcast(Tensor[] tensors, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var handles = Raw(tensors);
        fixed (IntPtr* p = handles) Native.ml_dist_broadcast(Handle, p, handles.Length, root);
        GC.KeepAlive(tensors);
        Native.Check();
    }

    /// <summary>Overwrites many tensors (e.g. a model's parameters and buffers) with <paramref name="root"/>'s, packed in buckets of <paramref name="bucketBytes"/>.</summary>
    public unsafe void BroadcastCoalesced(Tensor[] tensors, int root = 0, long bucketBytes = DefaultBucketBytes)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) return;
        var handles = Raw(tensors);
        fixed (IntPtr* p = handles) Native.ml_dist_broadcast_coalesced(Handle, p, handles.Length, root, bucketBytes);
        GC.KeepAlive(tensors);
        Native.Check();
    }

    /// <summary>Every rank's copy of <paramref name="tensor"/>, in rank order (new tensors).</summary>
    public Tensor[] AllGather(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var array = Native.ml_dist_all_gather(Handle, tensor.Handle, out var count);
        return Tensor.WrapArray(array, count);
    }

    /// <summary>Blocks until every rank reached the barrier.</summary>
    public void Barrier()
    {
        Native.ml_dist_barrier(Handle);
        Native.Check();
    }

    /// <summary>
    /// Gradient synchronisation (DistributedDataParallel's): the gradients of <paramref name="parameters"/> are packed in
    /// buckets of <paramref name="bucketBytes"/>, multiplied by this rank's weight <paramref name="scale"/> and summed over the ranks
    /// (1/world = the average). A parameter without a gradient contributes zeros.
    /// </summary>
    public unsafe void AllReduceGradients(Tensor[] parameters, double scale, long bucketBytes = DefaultBucketBytes)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Length == 0) return;
        var handles = Raw(parameters);
        fixed (IntPtr* p = handles) Native.ml_dist_all_reduce_grads(Handle, p, handles.Length, bucketBytes, scale);
        GC.KeepAlive(parameters);
        Native.Check();
    }

    /// <summary>
    /// This rank's weight in the current step's gradient average (n_local / n_global; default 1 = equal weights, PyTorch's
    /// convention). SyncBatchNorm's backward scales its all-reduced sums by it, so that its input gradients are those of
    /// the mean loss over the concatenated global batch also when the local batches differ in size. The trainer sets
    /// it before every backward.
    /// </summary>
    public void SetGradientWeight(double weight)
    {
        if (!(weight >= 0 && weight <= 1)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "a rank's gradient weight must be in [0, 1]");
        Native.ml_dist_set_grad_weight(Handle, weight);
        Native.Check();
    }

    /// <summary>
    /// Training-mode batch normalisation with the statistics of the global batch (torch.nn.SyncBatchNorm's arithmetic):
    /// mean and variance per channel over every rank's <paramref name="input"/> (local batches may differ in size);
    /// <paramref name="runningMean"/>/<paramref name="runningVar"/> (optional) are updated in place with the global mean and
    /// unbiased variance; the backward all-reduces Σdy and Σdy·(x−μ) so the input gradient is that of one process on the
    /// concatenated batch (weight and bias gradients stay local; the gradient all-reduce combines them). Every rank must call it.
    /// </summary>
    public Tensor SyncBatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias, double momentum, double eps)
    {
        ArgumentNullException.ThrowIfNull(input);
        var r = Native.ml_sync_batch_norm(Handle, input.Handle, Opt(runningMean), Opt(runningVar), Opt(weight), Opt(bias), momentum, eps);
        GC.KeepAlive(runningMean); GC.KeepAlive(runningVar); GC.KeepAlive(weight); GC.KeepAlive(bias);
        return Tensor.Wrap(r);
    }

    private static IntPtr Opt(Tensor? t) => t?.RawHandle ?? IntPtr.Zero;

    /// <summary>Leaves the group (closes the connections; rank 0 stops its store).</summary>
    public void Dispose() => _handle.Dispose();

    private static IntPtr[] Raw(Tensor[] tensors)
    {
        var handles = new IntPtr[tensors.Length];
        for (var i = 0; i < tensors.Length; i++) handles[i] = tensors[i].RawHandle;
        return handles;
    }
}
