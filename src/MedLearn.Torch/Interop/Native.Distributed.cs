using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/distributed.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static partial IntPtr ml_dist_backends();
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr ml_dist_init(string backend, string masterAddr, int masterPort, int rank, int worldSize, long timeoutMs, int agentStore);
    [LibraryImport(Lib)] internal static partial void ml_dist_free(IntPtr pg);
    [LibraryImport(Lib)] internal static unsafe partial void ml_dist_all_reduce(ProcessGroupNativeHandle pg, IntPtr* list, long n, int op);
    [LibraryImport(Lib)] internal static unsafe partial void ml_dist_broadcast(ProcessGroupNativeHandle pg, IntPtr* list, long n, int root);
    [LibraryImport(Lib)] internal static partial IntPtr ml_dist_all_gather(ProcessGroupNativeHandle pg, TensorHandle input, out long count);
    [LibraryImport(Lib)] internal static partial void ml_dist_barrier(ProcessGroupNativeHandle pg);
    [LibraryImport(Lib)] internal static unsafe partial void ml_dist_all_reduce_grads(ProcessGroupNativeHandle pg, IntPtr* parameters, long n, long bucketBytes, double scale);
    // native/src/distributed_sync_batch_norm.cpp
    [LibraryImport(Lib)] internal static partial IntPtr ml_sync_batch_norm(ProcessGroupNativeHandle pg, TensorHandle x, IntPtr runningMean, IntPtr runningVar, IntPtr weight, IntPtr bias, double momentum, double eps);
    [LibraryImport(Lib)] internal static partial void ml_dist_set_grad_weight(ProcessGroupNativeHandle pg, double weight);
    [LibraryImport(Lib)] internal static unsafe partial void ml_dist_broadcast_coalesced(ProcessGroupNativeHandle pg, IntPtr* list, long n, int root, long bucketBytes);
}

/// <summary>Owns one native process group (TCP store + backend); releasing it closes the connections.</summary>
internal sealed class ProcessGroupNativeHandle : SafeHandle
{
    public ProcessGroupNativeHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    internal ProcessGroupNativeHandle(IntPtr native) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(native);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        Native.ml_dist_free(handle);
        return true;
    }
}

// native/src/distributed_grad_sync.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static unsafe partial IntPtr ml_grad_sync_new(ProcessGroupNativeHandle pg, IntPtr* parameters, long n, long bucketBytes);
    [LibraryImport(Lib)] internal static partial void ml_grad_sync_prepare(GradientSyncNativeHandle sync, double scale);
    [LibraryImport(Lib)] internal static partial void ml_grad_sync_finish(GradientSyncNativeHandle sync);
    [LibraryImport(Lib)] internal static partial long ml_grad_sync_buckets(GradientSyncNativeHandle sync);
    [LibraryImport(Lib)] internal static partial void ml_grad_sync_free(IntPtr sync);
}

/// <summary>Owns the native state of an overlapped gradient all-reduce (its accumulator hooks die with it).</summary>
internal sealed class GradientSyncNativeHandle : SafeHandle
{
    public GradientSyncNativeHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    internal GradientSyncNativeHandle(IntPtr native) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(native);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        Native.ml_grad_sync_free(handle);
        return true;
    }
}
