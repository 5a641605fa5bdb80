using MedLearn.Torch.Interop;

namespace MedLearn.Torch;

/// <summary>
/// Autograd modes. Both scopes are thread-local like PyTorch's: close them on the thread that opened them
/// and never <c>await</c> inside.
/// </summary>
public static class GradMode
{
    /// <summary>Whether autograd records ops on this thread.</summary>
    public static bool IsEnabled => Native.ml_grad_enabled() != 0;

    /// <summary>True inside an inference-mode scope.</summary>
    public static bool IsInferenceMode => Native.ml_is_inference_mode() != 0;

    /// <summary>Disables gradient recording until disposed (torch.no_grad()).</summary>
    public static IDisposable NoGrad() => new GradEnabledScope(false);

    /// <summary>Enables gradient recording until disposed (torch.enable_grad()).</summary>
    public static IDisposable EnableGrad() => new GradEnabledScope(true);

    /// <summary>Inference mode until disposed: no autograd bookkeeping at all (faster than no-grad).</summary>
    public static IDisposable InferenceMode() => new InferenceModeScope();

    private sealed class GradEnabledScope : IDisposable
    {
        private readonly bool _previous;
        private bool _disposed;

        public GradEnabledScope(bool enabled)
        {
            _previous = IsEnabled;
            Native.ml_set_grad_enabled(enabled ? 1 : 0);
            Native.Check();
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            Native.ml_set_grad_enabled(_previous ? 1 : 0);
        }
    }

    private sealed class InferenceModeScope : IDisposable
    {
        private IntPtr _guard;

        public InferenceModeScope()
        {
            _guard = Native.ml_inference_mode_enter(1);
            if (_guard == IntPtr.Zero) throw Native.ThrowLastError();
        }

        public void Dispose()
        {
            if (_guard == IntPtr.Zero) return;
            Native.ml_inference_mode_exit(_guard);
            _guard = IntPtr.Zero;
        }
    }
}
