using MedLearn.Torch;

namespace MedLearn.Torch.Tests;

public class TensorCoreTests
{
    [Fact]
    public void FromArrayRoundTripsValuesShapeAndDType()
    {
        using var scope = DisposeScope.Open();
        var t = torch.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
        Assert.Equal(Device.CPU, t.Device);
    }

    [Fact]
    public void BroadcastingArithmeticMatchesHandComputation()
    {
        using var scope = DisposeScope.Open();
        var a = torch.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var b = torch.FromArray(new float[] { 10, 20, 30 }, 3);
        var c = (a + b) * 2 - 1;
        Assert.Equal(new float[] { 21, 43, 65, 27, 49, 71 }, c.ToArray<float>());
        Assert.Equal((21 + 43 + 65 + 27 + 49 + 71) / 6.0, c.Mean().ToDouble(), 5);
    }

    [Fact]
    public void ShapeMismatchRaisesArgumentExceptionWithLibtorchMessage()
    {
        using var scope = DisposeScope.Open();
        var a = torch.Zeros(2, 3);
        var b = torch.Zeros(4, 5);
        var e = Assert.Throws<TorchArgumentException>(() => a.MatMul(b));
        Assert.Contains("cannot be multiplied", e.Message);
        // The process survives and the thread's error state is clean afterwards.
        Assert.Equal(new long[] { 2, 5 }, a.MatMul(torch.Zeros(3, 5)).Shape);
    }

    [Theory]
    [InlineData(1, typeof(TorchArgumentException))]
    [InlineData(2, typeof(TorchOutOfMemoryException))]
    [InlineData(3, typeof(TorchException))]
    [InlineData(4, typeof(TorchException))]
    public void EveryNativeExceptionKindBecomesItsManagedException(int kind, Type expected)
    {
        var e = Assert.ThrowsAny<TorchException>(() => { Interop.Native.ml_test_throw(kind); Interop.Native.Check(); });
        Assert.Equal(expected, e.GetType());
        Assert.False(string.IsNullOrEmpty(e.Message));
    }

    [Fact]
    public void DisposeScopeFreesEverythingButMovedResults()
    {
        var baseline = LeakCheck.Baseline();
        Tensor kept;
        using (var scope = DisposeScope.Open())
        {
            var a = torch.Ones(3);
            var b = a * 3;
            kept = scope.MoveToOuter(b + a);
            Assert.Equal(baseline + 3, LiveTensors.Count);
        }
        Assert.Equal(baseline + 1, LiveTensors.Count);
        Assert.Equal(new float[] { 4, 4, 4 }, kept.ToArray<float>());
        kept.Dispose();
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void BackwardGivesAnalyticGradient()
    {
        using var scope = DisposeScope.Open();
        var x = torch.FromArray(new float[] { 1, -2, 3 }).RequiresGrad_();
        var y = (x * x * 3).Sum();
        y.Backward();
        Assert.Equal(new float[] { 6, -12, 18 }, x.Grad!.ToArray<float>());
    }

    [Fact]
    public void DefaultThreadCountIsTheMachineCores()
    {
        Assert.Equal(Environment.ProcessorCount, torch.NumThreads);
    }
}
