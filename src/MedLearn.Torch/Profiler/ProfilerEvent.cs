namespace MedLearn.Torch.Profiler;

/// <summary>
/// One event recorded by libtorch's profiler: an aten op (<c>aten::conv2d</c>), an autograd node
/// (<c>ConvolutionBackward0</c>) or a user scope, with its start and duration on the clock libtorch uses
/// (nanoseconds, from the profiler's event tree; <c>torch.autograd.profiler</c>'s tables truncate them to microseconds). Events nest by time on one thread: an op's
/// interval contains the intervals of the ops it calls.
/// </summary>
/// <param name="Name">Op or scope name as libtorch records it (<c>aten::mm</c>).</param>
/// <param name="ThreadId">Thread the event started on (libtorch's thread id, not the managed one).</param>
/// <param name="EndThreadId">Thread the event ended on (differs from <paramref name="ThreadId"/> only for async events).</param>
/// <param name="StartNanoseconds">Start time in nanoseconds (absolute; subtract the session's trace start for a relative time).</param>
/// <param name="DurationNanoseconds">Wall duration in nanoseconds, children included.</param>
/// <param name="DeviceType">c10::DeviceType code of the event's device (0 = CPU).</param>
/// <param name="IsAsync">libtorch marked the event async; async events are left out of nesting, as in PyTorch.</param>
/// <param name="Scope">at::RecordScope code (0 = function, 1 = backward function, 4 = user scope, ...).</param>
/// <param name="InputShapes">Input shapes when recorded with shapes (one entry per input; empty for a non-tensor input), otherwise empty.</param>
public sealed record ProfilerEvent(
    string Name,
    ulong ThreadId,
    ulong EndThreadId,
    long StartNanoseconds,
    long DurationNanoseconds,
    int DeviceType,
    bool IsAsync,
    int Scope,
    IReadOnlyList<IReadOnlyList<long>> InputShapes)
{
    /// <summary>End time in nanoseconds (start + duration).</summary>
    public long EndNanoseconds => StartNanoseconds + DurationNanoseconds;
}
