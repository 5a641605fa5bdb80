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
}
