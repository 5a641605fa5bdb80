using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

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
        if (TrackAllocations) s_origins[handle] = CreationStack(new StackTrace(fNeedFileInfo: true));
    }

    /// <summary>
    /// The frames of <paramref name="stack"/> from the first one outside this binding on. The binding's own
    /// frames are dropped by their declaring assembly rather than by a fixed count: once the tiered JIT inlines
    /// the wrappers into each other the number of physical frames changes, and a fixed skip lands past the caller.
    /// </summary>
    internal static string CreationStack(StackTrace stack)
    {
        var binding = typeof(LiveTensors).Assembly;
        var text = new StringBuilder();
        var inCaller = false;
        foreach (var frame in stack.GetFrames())
        {
            var method = frame.GetMethod();
            if (!inCaller && method?.DeclaringType?.Assembly == binding) continue;
            inCaller = true;
            text.Append("   at ").Append(method?.DeclaringType?.FullName ?? "?").Append('.').Append(method?.Name ?? "?");
            if (frame.GetFileName() is { } file) text.Append(" in ").Append(file).Append(":line ").Append(frame.GetFileLineNumber());
            text.AppendLine();
        }
        return text.ToString();
    }

    internal static void OnReleased(IntPtr handle)
    {
        Interlocked.Decrement(ref s_count);
        if (!s_origins.IsEmpty) s_origins.TryRemove(handle, out _);
    }
}
