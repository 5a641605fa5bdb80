namespace MedLearn.Profiling;

/// <summary>
/// Per-op-name totals of a profile, as PyTorch's <c>key_averages()</c> reports them.
/// </summary>
/// <param name="Name">Op name (<c>aten::convolution</c>).</param>
/// <param name="Calls">Number of recorded events with this name.</param>
/// <param name="SelfNanoseconds">Sum over the calls of their self time: own duration minus the durations of their direct children (see <see cref="OpAggregation"/>).</param>
/// <param name="TotalNanoseconds">Sum over the calls of their duration, children included.</param>
public sealed record OpStatistics(string Name, long Calls, long SelfNanoseconds, long TotalNanoseconds);
