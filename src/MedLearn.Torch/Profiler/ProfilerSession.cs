using System.Runtime.InteropServices;
using MedLearn.Torch.Interop;

namespace MedLearn.Torch.Profiler;

/// <summary>
/// libtorch's op profiler (the engine of <c>torch.autograd.profiler.profile()</c>, CPU activities) on the calling
/// thread: <see cref="Start"/> begins recording every op the thread runs (the backward pass of a CPU graph runs on
/// the calling thread too), <see cref="Stop"/> ends it and returns the events.
/// <code>
/// using var session = ProfilerSession.Start(recordShapes: true);
/// model.Forward(x);
/// var events = session.Stop();
/// </code>
/// <para>The profiler state is thread-local in libtorch: start and stop on the same thread and never <c>await</c>
/// in between. One session per thread at a time: a second start while one runs throws, as does a stop without a
/// running session. Disposing a session that was not stopped stops it and discards its events.</para>
/// </summary>
public sealed class ProfilerSession : IDisposable
{
    private bool _running;

    private ProfilerSession(bool recordShapes)
    {
        RecordShapes = recordShapes;
        _running = true;
    }

    /// <summary>Whether input shapes are recorded.</summary>
    public bool RecordShapes { get; }

    /// <summary>Start of the trace in nanoseconds on the events' clock (set by <see cref="Stop"/>).</summary>
    public long TraceStartNanoseconds { get; private set; }

    /// <summary>Whether a profiler is running on the calling thread (started here or by other code in the process).</summary>
    public static bool IsRunningOnThisThread
    {
        get
        {
            var running = Native.ml_profiler_is_running();
            Native.Check();
            return running != 0;
        }
    }

    /// <summary>Starts profiling the calling thread's ops.</summary>
    /// <param name="recordShapes">Record the input shapes of every op (adds overhead per op).</param>
    /// <exception cref="TorchException">A profiler already runs on this thread.</exception>
    public static ProfilerSession Start(bool recordShapes = false)
    {
        Native.ml_profiler_start(recordShapes ? 1 : 0);
        Native.Check();
        return new ProfilerSession(recordShapes);
    }

    /// <summary>Stops the calling thread's profiler and returns the recorded events, in libtorch's order.</summary>
    /// <exception cref="TorchException">No profiler runs on this thread (never started, already stopped, or started on another thread).</exception>
    public IReadOnlyList<ProfilerEvent> Stop()
    {
        var profile = Native.ml_profiler_stop();
        if (profile == IntPtr.Zero) throw Native.ThrowLastError();
        _running = false;
        try
        {
            TraceStartNanoseconds = Native.ml_profile_trace_start_ns(profile);
            Native.Check();
            return Read(profile);
        }
        finally
        {
            Native.ml_profile_free(profile);
        }
    }

    /// <summary>Stops the profiler if this session still runs (events discarded).</summary>
    public void Dispose()
    {
        if (!_running) return;
        _running = false;
        var profile = Native.ml_profiler_stop();
        if (profile != IntPtr.Zero) Native.ml_profile_free(profile);
        else Native.ml_clear_error(); // disposed on another thread or already stopped elsewhere: nothing to free
    }

    private static List<ProfilerEvent> Read(IntPtr profile)
    {
        var count = Native.ml_profile_event_count(profile);
        Native.Check();
        var events = new List<ProfilerEvent>((int)count);
        for (long i = 0; i < count; i++)
        {
            var name = Native.ml_profile_event(profile, i, out var startThread, out var endThread, out var startNs, out var durationNs,
                out var deviceType, out var isAsync, out var scope, out var shapeCount);
            if (name == IntPtr.Zero) throw Native.ThrowLastError();
            IReadOnlyList<long>[] shapes = shapeCount == 0 ? [] : new IReadOnlyList<long>[shapeCount];
            for (long j = 0; j < shapeCount; j++)
            {
                var dims = Native.ml_profile_event_shape(profile, i, j, out var ndim);
                if (dims == IntPtr.Zero) throw Native.ThrowLastError();
                var shape = new long[ndim];
                if (ndim > 0) Marshal.Copy(dims, shape, 0, (int)ndim);
                shapes[j] = shape;
            }
            events.Add(new ProfilerEvent(Marshal.PtrToStringUTF8(name) ?? "", startThread, endThread, startNs, durationNs, deviceType, isAsync != 0, scope, shapes));
        }
        return events;
    }
}
