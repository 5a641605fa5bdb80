using MedLearn.Data.Readers;
using MedLearn.Data.Writers;
using MedLearn.Torch;
using MedLearn.Torch.Vision;
using static MedLearn.Tests.Readers.ReaderTestFiles;

namespace MedLearn.Tests.Readers;

public class PngWriterTests
{
    [Theory]
    [InlineData(1, DType.UInt8, 255)]
    [InlineData(3, DType.UInt8, 255)]
    [InlineData(4, DType.UInt8, 255)]
    [InlineData(1, DType.Int32, 65535)]
    [InlineData(3, DType.Int32, 65535)]
    public void WriteThenReadIsExact(long channels, DType dtype, int max)
    {
        using var scope = DisposeScope.Open();
        var dir = TempDir();
        var path = Path.Combine(dir, "img.png");
        var img = torch.Randint(0, max + 1, [channels, 17, 23], dtype: DType.Int64).To(dtype);
        PngWriter.Write(img, path);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        using var back = ImageReader.Read(path);
        Assert.Equal(img.Shape, back.Data.Shape);
        Assert.Equal(dtype, back.Data.DType);
        Assert.Equal(max > 255 ? 16 : 8, back.Meta.BitsStored);
        Assert.Equal(img.To(DType.Int64).ToArray<long>(), back.Data.To(DType.Int64).ToArray<long>());
        Directory.Delete(dir, true);
    }

    [Fact]
    public void SixteenBitValuesOutOfRangeAreRefused()
    {
        using var scope = DisposeScope.Open();
        var dir = TempDir();
        Assert.Throws<ArgumentException>(() => PngWriter.Write(torch.Full([1, 2, 2], 70000, DType.Int32), Path.Combine(dir, "x.png")));
        Assert.Throws<ArgumentException>(() => PngWriter.Write(torch.Zeros([2, 2, 2], DType.UInt8), Path.Combine(dir, "x.png")));
        Assert.Throws<ArgumentException>(() => PngWriter.Write(torch.Zeros([1, 2, 2]), Path.Combine(dir, "x.png")));
        Assert.False(File.Exists(Path.Combine(dir, "x.png")));
        Directory.Delete(dir, true);
    }
}

public class ImageCodecTests
{
    [Fact]
    public void JpegEncodeDecodeIsCloseAndHwcRgb()
    {
        using var scope = DisposeScope.Open();
        var pixels = new byte[16 * 16 * 3];
        for (var i = 0; i < pixels.Length; i += 3) pixels[i] = 200; // red
        var img = torch.FromSpan<byte>(pixels, [16, 16, 3]);
        var bytes = ImageCodec.Encode(img, ImageFormat.Jpeg, quality: 95);
        var back = ImageCodec.Decode(bytes);
        Assert.Equal([16L, 16, 3], back.Pixels.Shape);
        Assert.Equal(8, back.BitsPerSample);
        Assert.InRange(At(back.Pixels, 8, 8, 0), 190, 210);
        Assert.InRange(At(back.Pixels, 8, 8, 2), 0, 10);
    }

    [Fact]
    public void FloatTiffRoundTrips()
    {
        using var scope = DisposeScope.Open();
        var img = torch.Rand(5, 4, 1);
        var back = ImageCodec.Decode(ImageCodec.Encode(img, ImageFormat.Tiff));
        Assert.Equal(DType.Float32, back.Pixels.DType);
        Assert.Equal(img.ToArray<float>(), back.Pixels.ToArray<float>());
    }

    [Fact]
    public void GarbageGivesInvalidDataException()
    {
        Assert.Throws<InvalidDataException>(() => ImageCodec.Decode(new byte[] { 1, 2, 3, 4, 5 }));
        Assert.Throws<InvalidDataException>(() => ImageCodec.Decode(ReadOnlySpan<byte>.Empty));
    }
}
