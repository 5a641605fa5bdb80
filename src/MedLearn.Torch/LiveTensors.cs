using System.Collections.Concurrent;
using System.Diagnostics;

namespace MedLearn.Torch;

/// <summary>
/// Counts native tensor handles alive in this process (created and not yet released), so tests and long
/// runs can assert that a loop returns to its baseline. With <see cref="TrackAllocations"/> on, every live
/// handle remembers the stack that created it and <see cref="Report"/> lists the leaks.
/// </summary>
public static class LiveTensors
{
    private static long s_count;
    private static readonly ConcurrentDictionary<IntPtr, string> s_origins = new();

    /// <summary>Number of native tensor handles currently alive.</summary>
    public static long Count => Interlocked.Read(ref s_count);

    /// <summary>Opt-in leak tracking: records a creation stack trace per handle (slow; for debugging).</summary>
    public static bool TrackAllocations { get; set; }

    /// <summary>Creation stacks of the handles alive now (only those created while tracking was on).</summary>
    public static IReadOnlyList<string> Report() => [.. s_origins.Values];

    internal static void OnCreated(IntPtr handle)
    {
        Interlocked.Increment(ref s_count);
        if (TrackAllocations) s_origins[handle] = new StackTrace(2, fNeedFileInfo: true).ToString();
    }

    internal static void OnReleased(IntPtr handle)
    {
        Interlocked.Decrement(ref s_count);
        if (!s_origins.IsEmpty) s_origins.TryRemove(handle, out _);
    }
}
