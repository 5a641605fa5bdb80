using System.Diagnostics;
using Xunit.Abstractions;

namespace MedLearn.Torch.Tests;

public class ThreadsTests(ITestOutputHelper output)
{
    private static T OnNewThread<T>(Func<T> f)
    {
        T result = default!;
        Exception? error = null;
        var t = new Thread(() => { try { result = f(); } catch (Exception e) { error = e; } });
        t.Start();
        t.Join();
        if (error is not null) throw error;
        return result;
    }

    [Fact]
    public void PerThreadSettingAffectsOnlyTheCallingThread()
    {
        var process = torch.NumThreads;
        var main = torch.ThreadNumThreads;
        Assert.Equal(process, main);
        var (before, after) = OnNewThread(() =>
        {
            using var scope = DisposeScope.Open();
            _ = torch.Ones(1000).Exp().Sum().ToDouble(); // the thread has used torch (its lazy init ran)
            var b = torch.ThreadNumThreads;
            torch.SetThreadNumThreads(1);
            _ = torch.Ones(1000).Exp().Sum().ToDouble();
            return (b, torch.ThreadNumThreads);
        });
        Assert.Equal(process, before); // a new thread starts with the process default
        Assert.Equal(1, after);        // and the per-thread setting sticks even after it used torch
        // The process default reads the same on a thread that set 1 for itself (it read 1 there, so `serve`'s
        // explanations, which restore the process default on a preprocessing thread, ran single-threaded).
        Assert.Equal(process, OnNewThread(() => { torch.SetThreadNumThreads(1); return torch.NumThreads; }));
        Assert.Equal(main, torch.ThreadNumThreads);
        Assert.Equal(process, OnNewThread(() => torch.ThreadNumThreads)); // other threads unaffected
        Assert.Throws<TorchArgumentException>(() => OnNewThread(() => { torch.SetThreadNumThreads(0); return 0; }));
    }

    [Fact]
    public void SingleThreadedWorkerIsMeasurablyNotParallel()
    {
        if (torch.NumThreads < 2) return; // nothing to compare on a 1-thread setup
        // CPU time / wall time of the process while the thread runs an elementwise op: about 1 for one
        // intra-op thread, up to the thread count when OpenMP spreads the op (robust on a busy machine,
        // where wall-clock speed-ups are not).
        (double Ms, double CpuPerWall) Measure(int? threads) => OnNewThread(() =>
        {
            using var scope = DisposeScope.Open();
            if (threads is int n) torch.SetThreadNumThreads(n);
            var x = torch.Rand([4_000_000]);
            _ = x.Exp().Sum().ToDouble(); // warm-up
            var proc = Process.GetCurrentProcess();
            var cpu0 = proc.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            for (var r = 0; r < 5; r++)
                using (var s = DisposeScope.Open()) _ = x.Exp().Sin().Sum().ToDouble();
            var wall = sw.Elapsed.TotalMilliseconds;
            proc.Refresh();
            var cpu = (proc.TotalProcessorTime - cpu0).TotalMilliseconds;
            return (wall / 5, cpu / wall);
        });
        var parallel = Measure(null);
        var single = Measure(1);
        output.WriteLine($"exp+sin+sum of 4M floats: default ({torch.NumThreads} threads) {parallel.Ms:F1} ms/iter, cpu/wall {parallel.CpuPerWall:F2}; " +
                         $"per-thread 1 thread {single.Ms:F1} ms/iter, cpu/wall {single.CpuPerWall:F2}");
        // The load-independent check: the OpenMP team that runs a parallel_for on each thread.
        Assert.Equal(torch.NumThreads, OnNewThread(torch.ProbeIntraOpTeam));
        Assert.Equal(1, OnNewThread(() => { torch.SetThreadNumThreads(1); return torch.ProbeIntraOpTeam(); }));
        Assert.Equal(torch.NumThreads, torch.ProbeIntraOpTeam());
    }
}
