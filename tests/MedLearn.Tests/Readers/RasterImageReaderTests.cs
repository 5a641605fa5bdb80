using MedLearn.Data;
using MedLearn.Data.Readers;
using MedLearn.Torch;
using MedLearn.Torch.Tests;
using static MedLearn.Tests.Readers.ReaderTestFiles;

namespace MedLearn.Tests.Readers;

public class RasterImageReaderTests
{
    [Theory]
    [InlineData("camera.png", DType.UInt8, "gray")]
    [InlineData("astronaut.png", DType.UInt8, "rgb")]
    [InlineData("logo.png", DType.UInt8, "rgba")]
    [InlineData("chelsea.png", DType.UInt8, "rgb")]
    [InlineData("chessboard_GRAY_U16.tif", DType.Int32, "gray")]
    [InlineData("chessboard_GRAY_U16B.tif", DType.Int32, "gray")]
    [InlineData("multipage.tif", DType.UInt8, "gray")]
    public void LosslessFilesMatchPilExactly(string name, DType dtype, string colorSpace)
    {
        using var scope = DisposeScope.Open();
        var k = Key(name);
        using var img = ImageReader.Read(Sk(name));
        Assert.IsType<RasterImageReader>(ImageReader.ReaderFor(Sk(name)));
        Assert.Equal(Doubles(Gold.RawValue(k + ".shape")).Select(v => (long)v).ToArray(), img.Data.Shape);
        Assert.Equal(dtype, img.Data.DType);
        Assert.True(img.Data.IsContiguous());
        Assert.Equal(colorSpace, img.Meta.ColorSpace);
        Assert.Equal((int)Gold.Value(k + ".bits"), img.Meta.BitsStored);
        Assert.Equal(CoordinateSpace.Pixel, img.Meta.Space);
        Assert.Equal([1.0, 1.0], img.Meta.Spacing);
        Assert.Equal(Sk(name), img.Meta.SourcePath);
        var (sum, sumSq, _) = Checksums(img.Data);
        Assert.Equal(Gold.Value(k + ".sum"), sum);
        Assert.Equal(Gold.Value(k + ".sumsq"), sumSq);
        foreach (var p in Gold.RawValue(k + ".probes").EnumerateArray())
        {
            var v = Doubles(p);
            Assert.Equal(v[3], At(img.Data, (long)v[0], (long)v[1], (long)v[2]));
        }
    }

    [Theory]
    [InlineData("retina.jpg")]
    [InlineData("rocket.jpg")]
    public void JpegMatchesPilWithinDecoderTolerance(string name)
    {
        using var scope = DisposeScope.Open();
        var k = Key(name);
        using var img = ImageReader.Read(Sk(name));
        Assert.Equal(Doubles(Gold.RawValue(k + ".shape")).Select(v => (long)v).ToArray(), img.Data.Shape);
        Assert.Equal(DType.UInt8, img.Data.DType);
        Assert.Equal("rgb", img.Meta.ColorSpace);
        var numel = img.Data.NumEl;
        var (sum, _, _) = Checksums(img.Data);
        Assert.InRange(sum / numel - Gold.Value(k + ".sum") / numel, -0.5, 0.5);
        // 32x32 block means: mean absolute difference under 1 grey level (libjpeg versions differ by +-1).
        var expected = Gold.Tensor(k + ".blocks");
        var (c, bh, bw) = (expected.Size(0), expected.Size(1), expected.Size(2));
        var actual = img.Data.Slice(1, 0, bh * 32).Slice(2, 0, bw * 32).To(DType.Float64)
            .Reshape(c, bh, 32, bw, 32).Permute(0, 1, 3, 2, 4).Reshape(c, bh, bw, 1024).Mean(-1);
        var mad = (actual - expected).Abs().Mean().ToArray<double>()[0];
        Assert.True(mad < 1.0, $"mean |block difference| {mad}");
    }

    [Fact]
    public void ReducedJpegDecodeHalvesEachSide()
    {
        using var scope = DisposeScope.Open();
        using var img = new RasterImageReader(reduce: 2).Read(Sk("rocket.jpg"));
        Assert.Equal([3L, 214, 320], img.Data.Shape);
    }

    [Fact]
    public void RealTruncatedJpegIsRejected()
    {
        var path = Sk("truncated.jpg");
        var e = Assert.Throws<ImageReadException>(() => ImageReader.Read(path));
        Assert.Equal(path, e.Path);
        Assert.Contains("truncated", e.Reason);
    }

    [Theory]
    [InlineData("retina.jpg", 0.5)]
    [InlineData("rocket.jpg", 0.9)]
    [InlineData("camera.png", 0.5)]
    [InlineData("astronaut.png", 0.99)]
    public void CutFilesAreRejectedNamingTheFile(string name, double keep)
    {
        var dir = TempDir();
        var bytes = File.ReadAllBytes(Sk(name));
        var path = Path.Combine(dir, "cut" + Path.GetExtension(name));
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.Throws<ImageReadException>(() => ImageReader.Read(path));
        Assert.Equal(path, e.Path);
        Assert.Contains("truncated", e.Message);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void RandomBytesWithImageExtensionGiveImageReadException()
    {
        var dir = TempDir();
        var rng = new Random(5);
        foreach (var ext in new[] { ".png", ".jpg", ".tif", ".bmp" })
        {
            var bytes = new byte[4096];
            rng.NextBytes(bytes);
            var path = Path.Combine(dir, "noise" + ext);
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<ImageReadException>(() => ImageReader.Read(path));
            Assert.Equal(path, e.Path);
            // Valid magic followed by garbage too.
            byte[] magic = ext switch
            {
                ".png" => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A],
                ".jpg" => [0xFF, 0xD8, 0xFF, 0xE0],
                ".tif" => "II*\0"u8.ToArray(),
                _ => [(byte)'B', (byte)'M', 0, 16, 0, 0, 0, 0, 0, 0],
            };
            magic.CopyTo(bytes, 0);
            File.WriteAllBytes(path, bytes);
            Assert.Throws<ImageReadException>(() => ImageReader.Read(path));
        }
        Directory.Delete(dir, true);
    }

    [Fact]
    public void DisposingTheImageFreesItsTensor()
    {
        var baseline = LeakCheck.Baseline();
        var img = ImageReader.Read(Sk("camera.png"));
        Assert.Equal(baseline + 1, LiveTensors.Count);
        img.Dispose();
        Assert.Equal(baseline, LiveTensors.Count);
    }
}
