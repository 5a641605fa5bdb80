namespace MedLearn.Torch.Tests;

public class DisposeScopeTests
{
    [Fact]
    public void NestedScopesFreeInnerTensorsAndMoveResultsOutward()
    {
        var baseline = LeakCheck.Baseline();
        using (var outer = DisposeScope.Open())
        {
            Tensor moved;
            using (var inner = DisposeScope.Open())
            {
                var a = torch.Ones(4);
                var b = a * 2;
                moved = inner.MoveToOuter(b);
                Assert.Same(outer, moved.Scope);
                Assert.Same(outer, inner.Outer);
            }
            Assert.Equal(baseline + 1, LiveTensors.Count);
            Assert.False(moved.IsDisposed);
            Assert.Equal(new float[] { 2, 2, 2, 2 }, moved.ToArray<float>());
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void DetachedTensorOutlivesItsScopeUntilDisposed()
    {
        var baseline = LeakCheck.Baseline();
        Tensor kept;
        using (var scope = DisposeScope.Open())
        {
            kept = scope.Detach(torch.Zeros(2));
            Assert.Null(kept.Scope);
        }
        Assert.Equal(baseline + 1, LiveTensors.Count);
        kept.Dispose();
        kept.Dispose();
        Assert.Equal(baseline, LiveTensors.Count);
        Assert.Throws<ObjectDisposedException>(() => kept.Shape);
    }

    [Fact]
    public void DisposingAnOuterScopeBeforeTheInnerIsRefused()
    {
        var outer = DisposeScope.Open();
        var inner = DisposeScope.Open();
        Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        inner.Dispose();
        outer.Dispose();
        Assert.Null(DisposeScope.Current);
    }

    [Fact]
    public void DisposeEverythingButKeepsOnlyTheNamedTensors()
    {
        var baseline = LeakCheck.Baseline();
        using var scope = DisposeScope.Open();
        var a = torch.Ones(2);
        var b = torch.Ones(3);
        var c = torch.Ones(4);
        scope.DisposeEverythingBut(b);
        Assert.True(a.IsDisposed);
        Assert.False(b.IsDisposed);
        Assert.True(c.IsDisposed);
        Assert.Equal(baseline + 1, LiveTensors.Count);
    }

    [Fact]
    public void ScopesAreThreadLocal()
    {
        using var scope = DisposeScope.Open();
        Tensor? madeElsewhere = null;
        var thread = new Thread(() => madeElsewhere = torch.Ones(1));
        thread.Start();
        thread.Join();
        Assert.Null(madeElsewhere!.Scope);
        Assert.Equal(0, scope.Count);
        madeElsewhere.Dispose();
    }

    [Fact]
    public void FinalizerFreesTensorsThatEscapedEveryScope()
    {
        var baseline = LeakCheck.Baseline();
        MakeGarbage();
        for (var i = 0; i < 5 && LiveTensors.Count != baseline; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.Equal(baseline, LiveTensors.Count);

        static void MakeGarbage()
        {
            for (var i = 0; i < 10; i++) _ = torch.Ones(16);
        }
    }

    [Fact]
    public void LeakReportNamesTheCreatorOfALiveTensor()
    {
        LiveTensors.TrackAllocations = true;
        try
        {
            using var t = torch.Zeros(3);
            Assert.Contains(LiveTensors.Report(), stack => stack.Contains(nameof(LeakReportNamesTheCreatorOfALiveTensor)));
        }
        finally
        {
            LiveTensors.TrackAllocations = false;
        }
    }

    [Fact]
    public void LeakReportNamesTheCallerEvenWhenTheRecordingFrameIsCalledDirectly()
    {
        // The old fixed skip of two frames dropped the caller whenever fewer than two binding frames sat above it,
        // as after tier-1 inlining of Tensor.Wrap and the factory into each other; here: none but OnCreated.
        var fake = new IntPtr(0x5eed);
        LiveTensors.TrackAllocations = true;
        try
        {
            LiveTensors.OnCreated(fake);
            var stack = Assert.Single(LiveTensors.Report(), s => s.Contains(nameof(LeakReportNamesTheCallerEvenWhenTheRecordingFrameIsCalledDirectly)));
            Assert.StartsWith("   at " + typeof(DisposeScopeTests).FullName + "." + nameof(LeakReportNamesTheCallerEvenWhenTheRecordingFrameIsCalledDirectly), stack);
            Assert.DoesNotContain("MedLearn.Torch.LiveTensors", stack);
        }
        finally
        {
            LiveTensors.OnReleased(fake);
            LiveTensors.TrackAllocations = false;
        }
    }

    [Fact]
    public void LeakReportNamesTheCreatorAfterTheWrappersAreJitOptimised()
    {
        // Call the factory and its wrappers thousands of times, with pauses so the tiered JIT's background
        // compiler promotes them to tier 1 (which inlines Wrap, the handle constructor and OnCreated).
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < 2000; i++) torch.Zeros(3).Dispose();
            Thread.Sleep(150);
        }
        LiveTensors.TrackAllocations = true;
        try
        {
            using var t = CreateHere();
            var mine = LiveTensors.Report().Where(s => s.Contains(nameof(CreateHere))).ToList();
            Assert.NotEmpty(mine);
            Assert.All(mine, s => Assert.StartsWith("   at " + typeof(DisposeScopeTests).FullName + "." + nameof(CreateHere), s));
        }
        finally
        {
            LiveTensors.TrackAllocations = false;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static Tensor CreateHere() => torch.Zeros(3);
}
