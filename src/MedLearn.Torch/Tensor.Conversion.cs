using MedLearn.Torch.Interop;

namespace MedLearn.Torch;

// dtype/device/memory-format conversion and copies.
public sealed partial class Tensor
{
    /// <summary>This tensor as <paramref name="dtype"/> on <paramref name="device"/> (this device if null).</summary>
    public Tensor To(DType dtype, Device? device = null, bool copy = false)
    {
        var d = device ?? Device;
        return Wrap(Native.ml_to(Handle, (int)dtype, (int)d.Type, d.Index, copy ? 1 : 0));
    }

    /// <summary>This tensor on <paramref name="device"/>.</summary>
    public Tensor To(Device device) => To(DType, device);

    /// <summary>Contiguous in the given memory format (a copy only if needed).</summary>
    public Tensor Contiguous(MemoryFormat format = MemoryFormat.Contiguous) => Wrap(Native.ml_contiguous(Handle, (int)format));

    /// <summary>A copy with its own storage (recorded by autograd).</summary>
    public Tensor Clone() => Wrap(Native.ml_clone(Handle));

    /// <summary>Copies <paramref name="source"/> (broadcast, converted) into this tensor in place.</summary>
    public Tensor CopyFrom(Tensor source)
    {
        Native.ml_copy_(Handle, source.Handle);
        Native.Check();
        return this;
    }

    public Tensor Float() => To(DType.Float32);
    public Tensor Double() => To(DType.Float64);
    public Tensor Long() => To(DType.Int64);
    public Tensor Int() => To(DType.Int32);
    public Tensor Bool() => To(DType.Bool);
    public Tensor BFloat16() => To(DType.BFloat16);
    public Tensor Half() => To(DType.Float16);

    /// <summary>Replaces this tensor's data with <paramref name="source"/>'s, keeping this object's identity
    /// (PyTorch's <c>param.data = source</c>).</summary>
    public void SetData(Tensor source)
    {
        Native.ml_set_data(Handle, source.Handle);
        Native.Check();
    }
}
