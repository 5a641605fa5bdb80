namespace MedLearn.Torch.Tests;

public class DeviceAndDTypeTests
{
    [Theory]
    [InlineData("cpu", DeviceType.CPU, -1)]
    [InlineData("cuda", DeviceType.CUDA, 0)]
    [InlineData("cuda:1", DeviceType.CUDA, 1)]
    public void DevicesParse(string text, DeviceType type, int index)
    {
        var d = Device.Parse(text);
        Assert.Equal(type, d.Type);
        Assert.Equal(index, d.Index);
    }

    [Fact]
    public void BadDeviceTextIsRejected() => Assert.Throws<FormatException>(() => Device.Parse("gpu0"));

    [Fact]
    public void CudaTensorOnACpuBuildGivesAManagedError()
    {
        if (torch.CudaIsAvailable) return; // only meaningful on a CPU build; CUDA machines test the other path
        var e = Assert.ThrowsAny<TorchException>(() => torch.Zeros([2], device: Device.CUDA()));
        Assert.Contains("CUDA", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float16)]
    [InlineData(DType.BFloat16)]
    [InlineData(DType.Int64)]
    [InlineData(DType.Int32)]
    [InlineData(DType.UInt8)]
    [InlineData(DType.Bool)]
    public void EveryDTypeRoundTripsThroughConversion(DType dtype)
    {
        using var scope = DisposeScope.Open();
        var source = torch.FromArray(new float[] { 0, 1, 2, 3 });
        var converted = source.To(dtype);
        Assert.Equal(dtype, converted.DType);
        var back = converted.To(DType.Float32).ToArray<float>();
        var expected = dtype == DType.Bool ? new float[] { 0, 1, 1, 1 } : new float[] { 0, 1, 2, 3 };
        Assert.Equal(expected, back);
    }

    [Fact]
    public void ReadingWithTheWrongElementTypeIsRejected()
    {
        using var scope = DisposeScope.Open();
        var t = torch.Zeros(3);
        var e = Assert.Throws<ArgumentException>(() => t.ToArray<long>());
        Assert.Contains("Float32", e.Message);
    }

    [Fact]
    public void ShapeAndDataLengthMustAgree()
    {
        var e = Assert.Throws<ArgumentException>(() => torch.FromArray(new float[] { 1, 2, 3 }, 2, 2));
        Assert.Contains("4 elements", e.Message);
    }

    [Fact]
    public void ChannelsLastContiguityIsReported()
    {
        using var scope = DisposeScope.Open();
        var x = torch.Randn(2, 3, 4, 5);
        Assert.True(x.IsContiguous());
        Assert.False(x.IsContiguous(MemoryFormat.ChannelsLast));
        var cl = x.Contiguous(MemoryFormat.ChannelsLast);
        Assert.True(cl.IsContiguous(MemoryFormat.ChannelsLast));
        Assert.Equal(new long[] { 60, 1, 15, 3 }, cl.Strides);
        Assert.Equal(x.ToArray<float>(), cl.ToArray<float>());
    }
}
