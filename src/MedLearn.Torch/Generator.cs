using MedLearn.Torch.Interop;

namespace MedLearn.Torch;

/// <summary>
/// A CPU random number generator (libtorch's Philox/MT generator) with its own seed and state, so a
/// component's random stream does not depend on what else drew from the global generator.
/// </summary>
public sealed class Generator : IDisposable
{
    private IntPtr _native;
    private readonly bool _owned;

    /// <summary>A new generator seeded with <paramref name="seed"/>.</summary>
    public Generator(ulong seed)
    {
        _native = Native.ml_generator_new(seed);
        if (_native == IntPtr.Zero) throw Native.ThrowLastError();
        _owned = true;
    }

    private Generator(IntPtr native, bool owned)
    {
        _native = native;
        _owned = owned;
    }

    /// <summary>The process-wide default generator (what torch.manual_seed seeds).</summary>
    public static Generator Default { get; } = CreateDefault();

    private static Generator CreateDefault()
    {
        var p = Native.ml_generator_default();
        if (p == IntPtr.Zero) throw Native.ThrowLastError();
        return new Generator(p, owned: false);
    }

    internal static IntPtr Raw(Generator? g) => g is null ? IntPtr.Zero : g.Pointer;

    private IntPtr Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_native == IntPtr.Zero, this);
            return _native;
        }
    }

    /// <summary>Re-seeds the generator.</summary>
    public void ManualSeed(ulong seed)
    {
        Native.ml_generator_set_seed(Pointer, seed);
        Native.Check();
    }

    /// <summary>The seed last set.</summary>
    public ulong InitialSeed => Native.ml_generator_initial_seed(Pointer);

    /// <summary>The full generator state (uint8 tensor, PyTorch's get_state format).</summary>
    public Tensor GetState() => Tensor.Wrap(Native.ml_generator_get_state(Pointer));

    /// <summary>Restores a state from <see cref="GetState"/>.</summary>
    public void SetState(Tensor state)
    {
        Native.ml_generator_set_state(Pointer, state.Handle);
        Native.Check();
    }

    public void Dispose()
    {
        if (_owned && _native != IntPtr.Zero) Native.ml_generator_free(_native);
        _native = IntPtr.Zero;
        GC.SuppressFinalize(this);
    }

    ~Generator()
    {
        if (_owned && _native != IntPtr.Zero) Native.ml_generator_free(_native);
    }
}
