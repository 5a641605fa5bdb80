using System.Text.Json;
using MedLearn.Profiling;
using MedLearn.Torch.Profiler;

namespace MedLearn.Tests.Profiling;

/// <summary>Self/total times by interval nesting (PyTorch's rule) on synthetic events with analytic answers; the trace writer.</summary>
public class OpAggregationTests
{
    private static ProfilerEvent E(string name, long start, long duration, ulong thread = 1, bool async = false, ulong? endThread = null) =>
        new(name, thread, endThread ?? thread, start, duration, 0, async, 0, []);

    [Fact]
    public void SelfTimeIsDurationMinusDirectChildrenOnTheSameThread()
    {
        // Thread 1: A [0,100) holds B [10,40) (which holds C [15,25)) and C [50,70); D [100,110) starts where A ends: a sibling.
        // Thread 2: B [0,1000) overlaps A in time but is on another thread: no nesting across threads.
        var events = new[]
        {
            E("A", 0, 100), E("B", 10, 30), E("C", 15, 10), E("C", 50, 20), E("D", 100, 10), E("B", 0, 1000, thread: 2),
        };
        var self = OpAggregation.SelfTimes(events);
        Assert.Equal([100 - 30 - 20, 30 - 10, 10, 20, 10, 1000], self);
        var ops = OpAggregation.KeyAverages(events).ToDictionary(o => o.Name);
        Assert.Equal(new OpStatistics("A", 1, 50, 100), ops["A"]);
        Assert.Equal(new OpStatistics("B", 2, 20 + 1000, 30 + 1000), ops["B"]);
        Assert.Equal(new OpStatistics("C", 2, 30, 30), ops["C"]);
        Assert.Equal(new OpStatistics("D", 1, 10, 10), ops["D"]);
        // Σ self = Σ top-level durations per thread.
        Assert.Equal(100 + 10 + 1000, ops.Values.Sum(o => o.SelfNanoseconds));
        Assert.Equal(["B", "A", "C", "D"], OpAggregation.KeyAverages(events).Select(o => o.Name));
    }

    [Fact]
    public void PartialOverlapAsyncAndHiddenEventsFollowPyTorchsRules()
    {
        // P [0,50); Q [40,80) overlaps P partially: neither is the other's child. R [10,20) is async: no parent, self 0.
        // aten::is_leaf is hidden by PyTorch's profiler: left out entirely (not subtracted from P either).
        var events = new[]
        {
            E("P", 0, 50), E("Q", 40, 40), E("R", 10, 10, async: true), E("S", 20, 5, endThread: 9), E("aten::is_leaf", 30, 5),
        };
        var ops = OpAggregation.KeyAverages(events).ToDictionary(o => o.Name);
        Assert.Equal(50, ops["P"].SelfNanoseconds);
        Assert.Equal(40, ops["Q"].SelfNanoseconds);
        Assert.Equal(new OpStatistics("R", 1, 0, 10), ops["R"]);
        Assert.Equal(new OpStatistics("S", 1, 0, 5), ops["S"]);
        Assert.False(ops.ContainsKey("aten::is_leaf"));
    }

    [Fact]
    public void IdenticalIntervalsNestInRecordedOrderAndZeroLengthEventsAreChildren()
    {
        // aten::conv2d and aten::convolution with the same interval (e.g. on a coarse clock): one is the other's child,
        // so the pair's self time sums to the duration once; a zero-length event inside counts as a call with 0 time.
        var events = new[] { E("aten::conv2d", 0, 10), E("aten::convolution", 0, 10), E("aten::empty", 5, 0) };
        var self = OpAggregation.SelfTimes(events);
        Assert.Equal(10, self.Sum());
        Assert.Equal(0, self[2]);
    }

    [Fact]
    public void ChromeTraceHasOneCompleteEventPerVisibleOpEvent()
    {
        var events = new List<ProfilerEvent>
        {
            E("aten::conv2d", 1_000_100_000, 50_500) with { InputShapes = [[1, 3, 8, 8], [4, 3, 3, 3], []] },
            E("aten::add", 1_000_200_000, 5_000, thread: 7),
            E("aten::is_leaf", 1_000_210_000, 1_000),
        };
        using var json = JsonDocument.Parse(ChromeTraceWriter.ToJson(events, traceStartNanoseconds: 1_000_000_000));
        var trace = json.RootElement.GetProperty("traceEvents").EnumerateArray().ToList();
        Assert.Equal(2, trace.Count);
        Assert.All(trace, t => Assert.Equal("X", t.GetProperty("ph").GetString()));
        Assert.Equal("aten::conv2d", trace[0].GetProperty("name").GetString());
        Assert.Equal(100.0, trace[0].GetProperty("ts").GetDouble());
        Assert.Equal(50.5, trace[0].GetProperty("dur").GetDouble());
        Assert.Equal(4, trace[0].GetProperty("args").GetProperty("Input Dims")[1][0].GetInt64());
        Assert.Equal(7UL, trace[1].GetProperty("tid").GetUInt64());
        Assert.False(trace[1].TryGetProperty("args", out _));
    }

    [Fact]
    public void TablesGiveTimesPerStepAndTheTotal()
    {
        var ops = new[] { new OpStatistics("aten::mm", 6, 3_000_000, 4_000_000), new OpStatistics("a|b", 2, 1_000_000, 1_000_000) };
        var md = OpTableWriter.Markdown(ops, steps: 2);
        Assert.Contains("| aten::mm | 3 | 1.500 | 75.0 | 2.000 |", md);
        Assert.Contains("| a\\|b | 1 | 0.500 | 25.0 | 0.500 |", md);
        Assert.Contains("**2.000**", md);
        var limited = OpTableWriter.Markdown(ops, steps: 2, limit: 1);
        Assert.Contains("| (1 other ops) | 1 | 0.500 | 25.0 | 0.500 |", limited);
        var csv = OpTableWriter.Csv(ops, steps: 2).Split('\n');
        Assert.Equal("aten::mm,6,3000,4000,2,3,1.5,2,75", csv[1]);
    }
}
