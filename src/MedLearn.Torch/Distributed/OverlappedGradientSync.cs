using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Distributed;

/// <summary>
/// Gradient all-reduce overlapped with backward (DistributedDataParallel's reducer): hooks on the parameters'
/// gradient accumulators launch asynchronous bucket all-reduces (buckets in reverse registration order, launched in
/// the same order on every rank) while backward still runs. Call <see cref="Prepare"/> before backward and
/// <see cref="Finish"/> after it; the gradients then hold Σ_r scale_r · g_r, exactly as
/// <see cref="ProcessGroup.AllReduceGradients"/> leaves them.
/// </summary>
public sealed class OverlappedGradientSync : IDisposable
{
    private readonly GradientSyncNativeHandle _handle;
    private readonly Tensor[] _parameters;

    /// <summary>Hooks <paramref name="parameters"/> (leaves requiring grad, in registration order) for the all-reduce over <paramref name="group"/>.</summary>
    public unsafe OverlappedGradientSync(ProcessGroup group, Tensor[] parameters, long bucketBytes = ProcessGroup.DefaultBucketBytes)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        var handles = new IntPtr[parameters.Length];
        for (var i = 0; i < parameters.Length; i++) handles[i] = parameters[i].RawHandle;
        IntPtr p;
        fixed (IntPtr* h = handles) p = Native.ml_grad_sync_new(group.NativeHandle, h, handles.Length, bucketBytes);
        GC.KeepAlive(parameters);
        if (p == IntPtr.Zero) throw Native.ThrowLastError();
        _handle = new GradientSyncNativeHandle(p);
    }

    /// <summary>Number of buckets.</summary>
    public long BucketCount
    {
        get
        {
            var n = Native.ml_grad_sync_buckets(Handle);
            Native.Check();
            return n;
        }
    }

    private GradientSyncNativeHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle;
        }
    }

    /// <summary>Arms the hooks for the next backward pass; <paramref name="scale"/> is this rank's weight (n_local / n_global).</summary>
    public void Prepare(double scale)
    {
        Native.ml_grad_sync_prepare(Handle, scale);
        Native.Check();
    }

    /// <summary>After backward: all-reduces the buckets not launched yet, waits for every bucket and writes the sums into the gradients.</summary>
    public void Finish()
    {
        Native.ml_grad_sync_finish(Handle);
        GC.KeepAlive(_parameters);
        Native.Check();
    }

    /// <summary>Removes the hooks' effect and frees the native state.</summary>
    public void Dispose() => _handle.Dispose();
}
