using System.Diagnostics;
using System.Globalization;
using MedLearn.Torch;
using MedLearn.Torch.Distributed;

namespace MedLearn.Bench;

/// <summary>
/// c10d all-reduce (sum) of float32 tensors of the given sizes, as bench/python/allreduce.py does with torch.distributed:
/// 3 warm-up + reps timed calls per size, after a barrier. Bus bandwidth = 2(n−1)/n · bytes / time (the ring's traffic per rank).
/// </summary>
internal static class AllReduceBench
{
    public static string Run(IReadOnlyDictionary<string, string> options)
    {
        using var group = ProcessGroup.Join(DistributedOptions.FromEnvironment());
        var reps = BenchUtil.Int(options, "reps", 20);
        var sizes = (options.TryGetValue("mb", out var mb) ? mb : "1,25,100").Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture));
        var lines = new List<string>();
        foreach (var size in sizes)
        {
            using var scope = DisposeScope.Open();
            var t = torch.Ones((long)(size * (1 << 20) / 4));
            for (var i = 0; i < 3; i++) group.AllReduce(t);
            group.Barrier();
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < reps; i++) group.AllReduce(t);
            var seconds = sw.Elapsed.TotalSeconds / reps;
            var n = group.WorldSize;
            var busGbps = 2.0 * (n - 1) / n * size * (1 << 20) / seconds / 1e9;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"RESULT mode=allreduce side=medlearn world={n} mb={size} ms={seconds * 1000:F3} bus_gb_per_s={busGbps:F3}"));
        }
        return string.Join('\n', lines);
    }
}
