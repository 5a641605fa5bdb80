using System.Runtime.CompilerServices;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Optim;
using Xunit.Abstractions;

namespace MedLearn.Torch.Tests;

public class MemoryTests(ITestOutputHelper output)
{
    private const int WarmupSteps = 20;
    private const int Steps = 200;
    private const double RssToleranceMb = 64;

    [Theory]
    [InlineData(Precision.Fp32)]
    [InlineData(Precision.Bf16)]
    public void TrainingStepsInDisposeScopesKeepTensorCountAndRssFlat(Precision precision)
    {
        // 200 steps of forward, loss, backward and SGD-momentum update, each inside a dispose scope: every
        // native handle created by a step is released, and RSS after the loop stays within 64 MB of RSS
        // after a 20-step warm-up (allocator caches, momentum buffers and oneDNN primitives are warm by then).
        Assert.Null(DisposeScope.Current);
        CollectGarbage();
        var baseline = LiveTensors.Count;
        var plan = PrecisionPlan.Resolve(precision, Device.CPU, spatialDims: 2);
        using (var data = DisposeScope.Open())
        {
            using var model = plan.Apply(SmallCnn.Create(seed: 5));
            var (x, y) = SmallCnn.Batch(seed: 6, n: 16);
            x = plan.PrepareInput(x);
            using var sgd = new SGD(model.Parameters(), lr: 0.01, momentum: 0.9);
            var duringModel = LiveTensors.Count;
            for (var i = 0; i < WarmupSteps; i++) SmallCnn.Step(model, sgd, x, y, plan);
            CollectGarbage();
            var afterWarmup = LiveTensors.Count;
            var rssWarm = StatusMb("VmRSS");
            double loss = 0;
            for (var i = 0; i < Steps; i++) loss = SmallCnn.Step(model, sgd, x, y, plan);
            CollectGarbage();
            var rssEnd = StatusMb("VmRSS");
            output.WriteLine($"{precision}: handles baseline {baseline}, with model+data {duringModel}, after warm-up {afterWarmup}, after {Steps} steps {LiveTensors.Count}; " +
                             $"RSS after warm-up {rssWarm:F1} MB, after loop {rssEnd:F1} MB (+{rssEnd - rssWarm:F1}); final loss {loss:F4}");
            Assert.Equal(afterWarmup, LiveTensors.Count);
            Assert.True(rssEnd - rssWarm <= RssToleranceMb, $"RSS grew by {rssEnd - rssWarm:F1} MB over {Steps} steps (tolerance {RssToleranceMb} MB)");
            Assert.True(double.IsFinite(loss));
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }

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
            var t = torch.Randn(64, 64);
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
