using MedLearn.Torch.Profiler;

namespace MedLearn.Profiling;

/// <summary>
/// A profile of <see cref="ModelProfiler.Profile"/>: the raw events of the profiled steps, their per-op statistics
/// (<see cref="OpAggregation.KeyAverages"/>) and what was run.
/// </summary>
/// <param name="Architecture">Architecture profiled.</param>
/// <param name="Mode">Inference call or training step.</param>
/// <param name="Batch">Batch size.</param>
/// <param name="Size">Input height and width.</param>
/// <param name="Steps">Profiled steps (the statistics cover all of them).</param>
/// <param name="Threads">libtorch intra-op threads.</param>
/// <param name="Plan">The precision plan in words (layout, dtype, and for inference the folding and weight dtype).</param>
/// <param name="ChannelsLast">Whether the plan runs the model channels-last.</param>
/// <param name="LowPrecisionDType">bfloat16/float16 when the plan computes in it (bf16 weights for inference, autocast for training), else null.</param>
/// <param name="Events">Every recorded event.</param>
/// <param name="TraceStartNanoseconds">Trace start on the events' clock.</param>
/// <param name="Ops">Per-op statistics, largest self time first.</param>
/// <param name="StepMilliseconds">Wall time of each profiled step (profiler overhead included).</param>
public sealed record ModelProfileResult(
    string Architecture,
    ProfileMode Mode,
    int Batch,
    int Size,
    int Steps,
    int Threads,
    string Plan,
    bool ChannelsLast,
    string? LowPrecisionDType,
    IReadOnlyList<ProfilerEvent> Events,
    long TraceStartNanoseconds,
    IReadOnlyList<OpStatistics> Ops,
    IReadOnlyList<double> StepMilliseconds);
