using System.Runtime.InteropServices;
using MedLearn.Torch.Interop;

namespace MedLearn.Torch;

/// <summary>
/// Owns one native <c>at::Tensor*</c>. Releasing it frees the native handle (the storage is freed when the
/// last reference, including autograd's, goes). The finalizer is only a safety net: tensors are disposed
/// explicitly or by a <see cref="DisposeScope"/>, because the GC does not see native memory pressure.
/// </summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    internal TensorHandle(IntPtr native) : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(native);
        LiveTensors.OnCreated(native);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        // Forget the handle before freeing it: once freed, another thread may get the same address for a new
        // tensor, whose leak-tracking entry must not be removed by this release.
        LiveTensors.OnReleased(handle);
        Native.ml_tensor_free(handle);
        return true;
    }
}
