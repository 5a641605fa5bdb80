using System.Runtime.InteropServices;
using MedLearn.Torch.Interop;

namespace MedLearn.Torch;

/// <summary>
/// A libtorch tensor. Each instance owns one native handle, released by <see cref="Dispose"/> (directly or
/// through the <see cref="DisposeScope"/> that was current when it was created). Ops are split by area
/// across the partial files Tensor.*.cs, mirroring native/src.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorHandle _handle;

    private Tensor(IntPtr native)
    {
        _handle = new TensorHandle(native);
        DisposeScope.Current?.Add(this);
    }

    /// <summary>Wraps a handle a native call returned; null means that call failed.</summary>
    internal static Tensor Wrap(IntPtr native)
    {
        if (native == IntPtr.Zero) throw Native.ThrowLastError();
        return new Tensor(native);
    }

    /// <summary>Wraps a handle that may legitimately be null (e.g. an undefined gradient).</summary>
    internal static Tensor? WrapOptional(IntPtr native)
    {
        if (native == IntPtr.Zero)
        {
            Native.Check();
            return null;
        }
        return new Tensor(native);
    }

    /// <summary>Wraps a malloc'ed array of handles returned by the shim and frees the array.</summary>
    internal static unsafe Tensor[] WrapArray(IntPtr array, long count)
    {
        if (array == IntPtr.Zero) throw Native.ThrowLastError();
        try
        {
            var result = new Tensor[count];
            var p = (IntPtr*)array;
            for (long i = 0; i < count; i++) result[i] = new Tensor(p[i]);
            return result;
        }
        finally
        {
            Native.ml_free_handle_array(array);
        }
    }

    internal TensorHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle;
        }
    }

    /// <summary>Raw native pointer for array-taking calls; callers keep <c>this</c> alive across the call.</summary>
    internal IntPtr RawHandle => Handle.DangerousGetHandle();

    /// <summary>The dispose scope that will free this tensor, if any.</summary>
    public DisposeScope? Scope { get; internal set; }

    /// <summary>True once the native handle is released.</summary>
    public bool IsDisposed => _handle.IsClosed;

    /// <summary>Releases the native handle now. Safe to call twice.</summary>
    public void Dispose()
    {
        if (Scope is { } scope) scope.Remove(this);
        _handle.Dispose();
    }

    /// <summary>Moves this tensor to the enclosing dispose scope (or out of all scopes).</summary>
    public Tensor MoveToOuterDisposeScope() => Scope is { } s ? s.MoveToOuter(this) : this;

    /// <summary>Takes this tensor out of its dispose scope: the caller disposes it.</summary>
    public Tensor DetachFromDisposeScope() => Scope is { } s ? s.Detach(this) : this;

    // --- metadata --------------------------------------------------------------------------------------

    /// <summary>Number of dimensions.</summary>
    public int Dim => (int)CheckedLong(Native.ml_tensor_dim(Handle));

    /// <summary>Number of elements.</summary>
    public long NumEl => CheckedLong(Native.ml_tensor_numel(Handle));

    /// <summary>Sizes of each dimension.</summary>
    public unsafe long[] Shape
    {
        get
        {
            var shape = new long[Dim];
            fixed (long* p = shape) Native.ml_tensor_sizes(Handle, p);
            Native.Check();
            return shape;
        }
    }

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public long Size(int dim)
    {
        var shape = Shape;
        return shape[dim < 0 ? dim + shape.Length : dim];
    }

    /// <summary>Strides in elements.</summary>
    public unsafe long[] Strides
    {
        get
        {
            var strides = new long[Dim];
            fixed (long* p = strides) Native.ml_tensor_strides(Handle, p);
            Native.Check();
            return strides;
        }
    }

    /// <summary>Offset of the first element in the storage, in elements.</summary>
    public long StorageOffset => CheckedLong(Native.ml_tensor_storage_offset(Handle));

    /// <summary>Element type.</summary>
    public DType DType => (DType)CheckedInt(Native.ml_tensor_dtype(Handle));

    /// <summary>Device holding the data.</summary>
    public Device Device => new((DeviceType)CheckedInt(Native.ml_tensor_device_type(Handle)), Native.ml_tensor_device_index(Handle));

    /// <summary>True when the strides are those of <paramref name="format"/>.</summary>
    public bool IsContiguous(MemoryFormat format = MemoryFormat.Contiguous)
    {
        var r = Native.ml_tensor_is_contiguous(Handle, (int)format);
        Native.Check();
        return r != 0;
    }

    private static long CheckedLong(long value)
    {
        if (value < 0) Native.Check();
        return value;
    }

    private static int CheckedInt(int value)
    {
        if (value < 0) Native.Check();
        return value;
    }

    /// <summary>libtorch's printed form of the tensor (values, dtype and shape).</summary>
    public override string ToString()
    {
        if (IsDisposed) return "Tensor(disposed)";
        var p = Native.ml_tensor_to_string(Handle);
        if (p == IntPtr.Zero) throw Native.ThrowLastError();
        return Native.PtrToString(p)!;
    }

    // --- data in and out ---------------------------------------------------------------------------------

    /// <summary>Copies the elements (row-major) into a new array; the dtype must match <typeparamref name="T"/>.</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var result = new T[NumEl];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>Copies the elements (row-major) into <paramref name="destination"/>.</summary>
    public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        var dtype = DType;
        if (DTypeExtensions.Of<T>() != dtype)
            throw new ArgumentException($"tensor dtype is {dtype} but the destination holds {typeof(T).Name}");
        if (destination.Length < NumEl)
            throw new ArgumentException($"destination holds {destination.Length} elements but the tensor has {NumEl}");
        fixed (T* p = destination) Native.ml_tensor_copy_to(Handle, p, (long)destination.Length * sizeof(T));
        Native.Check();
    }

    /// <summary>The value of a one-element tensor as a double.</summary>
    public double ToDouble()
    {
        var v = Native.ml_tensor_item_double(Handle);
        Native.Check();
        return v;
    }

    /// <summary>The value of a one-element tensor as a float.</summary>
    public float ToSingle() => (float)ToDouble();

    /// <summary>The value of a one-element integer tensor.</summary>
    public long ToInt64()
    {
        var v = Native.ml_tensor_item_long(Handle);
        Native.Check();
        return v;
    }

    /// <summary>A new handle to the same tensor (same storage, same autograd identity).</summary>
    public Tensor Alias() => Wrap(Native.ml_tensor_alias(Handle));
}
