using MedLearn.Torch.Profiler;

namespace MedLearn.Profiling;

/// <summary>
/// Turns profiler events into per-op statistics the way PyTorch's <c>torch.autograd.profiler</c> does
/// (<c>EventList._populate_cpu_children</c> and <c>key_averages()</c>), so tables of both sides compare row by row.
/// <para><b>Nesting rule.</b> Events are grouped by thread; within a thread they are ordered by start time (ties:
/// longer first). An event is a direct child of the innermost open event whose interval [start, end) contains it:
/// a candidate parent is closed when the event starts at or after its end, or ends after it (partial overlaps give
/// no parent). Async events (libtorch's flag, or start and end on different threads) and non-CPU events take no
/// part in nesting.</para>
/// <para><b>Self-time rule.</b> self = duration − Σ duration of the direct children (children on the same thread only;
/// 0 for async and non-CPU events). total = duration (0 for non-CPU events). Per op name: calls = number of events,
/// self and total are summed over them. Hence Σ self over all ops = Σ duration of the top-level events of each thread.</para>
/// <para>Events PyTorch's profiler hides are dropped first: <c>aten::is_leaf</c>, <c>aten::output_nr</c>,
/// <c>aten::_version</c>, memory records and the <c>profiler::_record_function_*</c> helpers.</para>
/// </summary>
public static class OpAggregation
{
    private static readonly HashSet<string> s_hidden =
    [
        "[memory]", "[OutOfMemory]", "profiler::_record_function_enter", "profiler::_record_function_enter_new",
        "profiler::_record_function_exit", "aten::is_leaf", "aten::output_nr", "aten::_version",
    ];

    /// <summary>Whether PyTorch's profiler leaves <paramref name="name"/> out of its tables (utility ops, memory records).</summary>
    public static bool IsHidden(string name) => s_hidden.Contains(name);

    /// <summary>The events PyTorch's profiler shows (hidden names removed), in recorded order.</summary>
    public static IReadOnlyList<ProfilerEvent> Visible(IEnumerable<ProfilerEvent> events) =>
        [.. events.Where(e => !IsHidden(e.Name))];

    /// <summary>
    /// The self time in nanoseconds of every event of <paramref name="events"/> (same order), by the nesting and
    /// self-time rules of this class. Hidden events are not filtered here: pass <see cref="Visible"/> events.
    /// </summary>
    public static long[] SelfTimes(IReadOnlyList<ProfilerEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var self = new long[events.Count];
        for (var i = 0; i < events.Count; i++) self[i] = Nests(events[i]) ? events[i].DurationNanoseconds : 0;
        var byThread = Enumerable.Range(0, events.Count).Where(i => Nests(events[i])).GroupBy(i => events[i].ThreadId);
        foreach (var thread in byThread)
        {
            var ordered = thread.OrderBy(i => events[i].StartNanoseconds).ThenByDescending(i => events[i].EndNanoseconds).ToList();
            var open = new Stack<int>();
            foreach (var i in ordered)
            {
                var e = events[i];
                while (open.Count > 0)
                {
                    var parent = events[open.Peek()];
                    if (e.StartNanoseconds >= parent.EndNanoseconds || e.EndNanoseconds > parent.EndNanoseconds) open.Pop();
                    else
                    {
                        self[open.Peek()] -= e.DurationNanoseconds;
                        break;
                    }
                }
                open.Push(i);
            }
        }
        return self;
    }

    /// <summary>
    /// Per-op statistics of <paramref name="events"/> (hidden events dropped), sorted by self time, largest first
    /// (ties by name).
    /// </summary>
    public static IReadOnlyList<OpStatistics> KeyAverages(IEnumerable<ProfilerEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var visible = Visible(events);
        var self = SelfTimes(visible);
        var stats = new Dictionary<string, (long Calls, long Self, long Total)>(StringComparer.Ordinal);
        for (var i = 0; i < visible.Count; i++)
        {
            var e = visible[i];
            stats.TryGetValue(e.Name, out var s);
            stats[e.Name] = (s.Calls + 1, s.Self + self[i], s.Total + (e.DeviceType == 0 ? e.DurationNanoseconds : 0));
        }
        return [.. stats.Select(kv => new OpStatistics(kv.Key, kv.Value.Calls, kv.Value.Self, kv.Value.Total))
            .OrderByDescending(s => s.SelfNanoseconds).ThenBy(s => s.Name, StringComparer.Ordinal)];
    }

    // Async (or thread-hopping) and non-CPU events are left out of nesting, as in PyTorch.
    private static bool Nests(ProfilerEvent e) => !e.IsAsync && e.ThreadId == e.EndThreadId && e.DeviceType == 0;
}
