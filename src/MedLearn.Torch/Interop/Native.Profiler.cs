using System.Runtime.InteropServices;

namespace MedLearn.Torch.Interop;

// native/src/profiler.cpp
internal static partial class Native
{
    [LibraryImport(Lib)] internal static partial void ml_profiler_start(int recordShapes);
    [LibraryImport(Lib)] internal static partial int ml_profiler_is_running();
    [LibraryImport(Lib)] internal static partial IntPtr ml_profiler_stop();
    [LibraryImport(Lib)] internal static partial void ml_profile_free(IntPtr profile);
    [LibraryImport(Lib)] internal static partial long ml_profile_event_count(IntPtr profile);
    [LibraryImport(Lib)] internal static partial long ml_profile_trace_start_ns(IntPtr profile);
    [LibraryImport(Lib)]
    internal static partial IntPtr ml_profile_event(IntPtr profile, long index, out ulong startThread, out ulong endThread, out long startNs,
        out long durationNs, out int deviceType, out int isAsync, out int scope, out long shapeCount);
    [LibraryImport(Lib)] internal static partial IntPtr ml_profile_event_shape(IntPtr profile, long index, long input, out long ndim);
}
