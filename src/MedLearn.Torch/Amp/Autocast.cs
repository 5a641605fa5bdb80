using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Amp;

/// <summary>
/// Automatic mixed precision scope, after <c>torch.autocast</c>: while it is open, ops that autocast lists as
/// lower-precision safe (on CPU in libtorch 1.13: conv1d/2d/3d, conv_transpose, linear, matmul, mm, bmm,
/// addmm, baddbmm, prelu...) run in <see cref="DType.BFloat16"/> (CPU) or <see cref="DType.Float16"/> (CUDA,
/// default) and precision-sensitive ones (losses, softmax, norms...) in float32. Parameters stay float32
/// ("master weights") and their gradients are float32.
/// <code>
/// using (Autocast.Enable(Device.CPU, DType.BFloat16))
/// {
///     var logits = model.Forward(x);   // bfloat16 activations
///     var loss = F.CrossEntropy(logits, y);
/// }
/// loss.Backward();                     // backward outside the scope, like PyTorch
/// </code>
/// </summary>
/// <remarks>
/// <para>Autocast state is thread-local in libtorch (like grad mode): the scope affects only ops run on the
/// thread that opened it, must be disposed on that thread, and must never contain an <c>await</c> (the
/// continuation may run on another thread, without autocast, and the scope could not be closed).</para>
/// <para>Scopes nest: an inner scope may change the dtype or disable autocast for a region (e.g.
/// <see cref="Disable"/> around a loss that needs float32), and disposing it restores exactly the state that
/// was current when it opened. Scopes must be disposed innermost first. When the outermost scope closes,
/// the cache of lower-precision copies of parameters is cleared.</para>
/// <para>On CPU libtorch 1.13 supports only bfloat16 autocast. A CUDA scope on a CPU-only build sets the
/// state but has no effect on CPU tensors (PyTorch warns in that case).</para>
/// </remarks>
public sealed class Autocast : IDisposable
{
    [ThreadStatic] private static Autocast? t_innermost;

    private readonly DeviceType _deviceType;
    private readonly bool _previousEnabled;
    private readonly DType _previousDType;
    private readonly bool _previousCacheEnabled;
    private readonly Autocast? _outer;
    private readonly int _threadId;
    private bool _disposed;

    private Autocast(DeviceType deviceType, DType? dtype, bool enabled, bool cacheEnabled)
    {
        var fastDType = dtype ?? GetDType(deviceType);
        Validate(deviceType, fastDType);
        _deviceType = deviceType;
        _previousEnabled = IsEnabled(deviceType);
        _previousDType = GetDType(deviceType);
        _previousCacheEnabled = IsCacheEnabled;
        _threadId = Environment.CurrentManagedThreadId;

        Native.ml_autocast_set_enabled((int)deviceType, enabled ? 1 : 0);
        Native.Check();
        Native.ml_autocast_set_dtype((int)deviceType, (int)fastDType);
        Native.Check();
        Native.ml_autocast_increment_nesting();
        Native.Check();
        Native.ml_autocast_set_cache_enabled(cacheEnabled ? 1 : 0);
        Native.Check();

        _outer = t_innermost;
        t_innermost = this;
        Enabled = enabled;
        DType = fastDType;
    }

    /// <summary>
    /// Opens an autocast scope on this thread for <paramref name="device"/>'s kind. <paramref name="dtype"/>
    /// null keeps the thread's current autocast dtype (initially bfloat16 on CPU, float16 on CUDA).
    /// <paramref name="enabled"/> false opens a scope with autocast off (a float32 region inside an autocast
    /// region). <paramref name="cacheEnabled"/> caches the lower-precision copies of leaf tensors that
    /// require grad (the weights) for the duration of the outermost scope.
    /// </summary>
    /// <exception cref="NotSupportedException">CPU with a dtype other than bfloat16, or CUDA with a dtype other
    /// than float16/bfloat16.</exception>
    public static Autocast Enable(Device device, DType? dtype = null, bool enabled = true, bool cacheEnabled = true) =>
        new(device.Type, dtype, enabled, cacheEnabled);

    /// <summary>Opens a scope with autocast off for <paramref name="device"/>'s kind (ops run in their input dtypes).</summary>
    public static Autocast Disable(Device device) => new(device.Type, null, false, IsCacheEnabled);

    /// <summary>Whether autocast is on for <paramref name="deviceType"/> on this thread.</summary>
    public static bool IsEnabled(DeviceType deviceType)
    {
        var r = Native.ml_autocast_is_enabled((int)deviceType);
        if (r < 0) Native.Check();
        return r != 0;
    }

    /// <summary>The dtype autocast casts to for <paramref name="deviceType"/> on this thread.</summary>
    public static DType GetDType(DeviceType deviceType)
    {
        var r = Native.ml_autocast_get_dtype((int)deviceType);
        if (r < 0) Native.Check();
        return (DType)r;
    }

    /// <summary>Whether lower-precision copies of weights are cached inside autocast scopes on this thread.</summary>
    public static bool IsCacheEnabled
    {
        get
        {
            var r = Native.ml_autocast_is_cache_enabled();
            if (r < 0) Native.Check();
            return r != 0;
        }
    }

    /// <summary>The innermost open scope of this thread, or null.</summary>
    public static Autocast? Current => t_innermost;

    /// <summary>Device kind this scope controls.</summary>
    public DeviceType DeviceType => _deviceType;

    /// <summary>Whether this scope turned autocast on (false for <see cref="Disable"/> scopes).</summary>
    public bool Enabled { get; }

    /// <summary>The lower-precision dtype of this scope.</summary>
    public DType DType { get; }

    private static void Validate(DeviceType deviceType, DType dtype)
    {
        switch (deviceType)
        {
            case DeviceType.CPU when dtype != DType.BFloat16:
                throw new NotSupportedException($"CPU autocast supports only BFloat16 in libtorch 1.13, not {dtype}");
            case DeviceType.CUDA when dtype is not (DType.Float16 or DType.BFloat16):
                throw new NotSupportedException($"CUDA autocast supports Float16 and BFloat16, not {dtype}");
            case DeviceType.CPU or DeviceType.CUDA:
                return;
            default:
                throw new NotSupportedException($"autocast does not support device type {deviceType}");
        }
    }

    /// <summary>
    /// Restores the autocast state that was current when this scope opened; the outermost scope also clears
    /// the weight cast cache. Must run on the opening thread, innermost scope first. Safe to call twice.
    /// </summary>
    public void Dispose()
    {
        if (_disposed) return;
        if (Environment.CurrentManagedThreadId != _threadId)
            throw new InvalidOperationException("an autocast scope must be disposed on the thread that opened it (autocast state is thread-local; do not await inside it)");
        if (!ReferenceEquals(t_innermost, this))
            throw new InvalidOperationException("autocast scopes must be disposed innermost first");
        _disposed = true;
        t_innermost = _outer;
        if (Native.ml_autocast_decrement_nesting() == 0) Native.ml_autocast_clear_cache();
        Native.ml_autocast_set_enabled((int)_deviceType, _previousEnabled ? 1 : 0);
        Native.ml_autocast_set_dtype((int)_deviceType, (int)_previousDType);
        Native.ml_autocast_set_cache_enabled(_previousCacheEnabled ? 1 : 0);
        Native.Check();
    }
}
