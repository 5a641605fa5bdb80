using System.Runtime.CompilerServices;

namespace MedLearn.Torch.Tests;

public class MemoryTests
{
    /// <summary>Resident set size (VmRSS) or peak (VmHWM) of this process in MB, from /proc/self/status.</summary>
    internal static double StatusMb(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(key.Length + 1).Trim().ToString().Split(' ')[0]) / 1024.0;
        throw new InvalidOperationException($"{key} not in /proc/self/status");
    }

    private static void CollectGarbage()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LeakTensorsOutsideAnyScope(int n)
    {
        for (var i = 0; i < n; i++)
        {
            var t = Torch.Randn(64, 64);
            var u = (t * 2).Sum();
            _ = u.ToDouble();
        }
    }

    [Fact]
    public void FinalizersFreeTensorsLeakedOutsideScopes()
    {
        Assert.Null(DisposeScope.Current);
        CollectGarbage();
        var baseline = LiveTensors.Count;
        LeakTensorsOutsideAnyScope(100);
        Assert.True(LiveTensors.Count >= baseline + 100, $"expected the leaked handles to be alive, count {LiveTensors.Count}, baseline {baseline}");
        CollectGarbage();
        Assert.Equal(baseline, LiveTensors.Count);
    }
}
