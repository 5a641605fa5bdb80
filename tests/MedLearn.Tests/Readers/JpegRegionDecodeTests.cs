using MedLearn.Data;
using MedLearn.Data.Datasets;
using MedLearn.Data.Readers;
using MedLearn.Data.Transforms;
using MedLearn.Torch;
using MedLearn.Torch.Vision;
using static MedLearn.Tests.Readers.ReaderTestFiles;

namespace MedLearn.Tests.Readers;

/// <summary>libjpeg-turbo region / DCT-scaled decoding and the crop-aware dataset path built on it.</summary>
public class JpegRegionDecodeTests
{
    /// <summary>An H x W x 3 (or 1) JPEG with texture and colour (4:2:0 chroma, so fancy upsampling is exercised).</summary>
    private static byte[] MakeJpeg(long h, long w, int channels = 3, ulong seed = 7)
    {
        using var scope = DisposeScope.Open();
        using var g = new Generator(seed);
        var noise = torch.Rand([h, w, channels], g).Mul(120);
        var ramp = torch.Linspace(0, 120, w).Reshape(1, w, 1);
        var img = noise.Add(ramp).To(DType.UInt8);
        return ImageCodec.Encode(img, ImageFormat.Jpeg, 90);
    }

    private static Tensor FullChw(byte[] jpeg) => RasterImageReader.Decode(jpeg, "test.jpg").Data;

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public void RegionDecodeEqualsCropOfFullDecodeExactly(int channels)
    {
        using var scope = DisposeScope.Open();
        var jpeg = MakeJpeg(157, 203, channels);
        using var full = RasterImageReader.Decode(jpeg, "t.jpg");
        Assert.Equal([channels, 157, 203], full.Data.Shape);
        var source = RasterImageReader.OpenRegion(jpeg, "t.jpg")!;
        Assert.Equal((157L, 203L), (source.Height, source.Width));
        (long T, long L, long H, long W)[] boxes =
            [(0, 0, 157, 203), (0, 0, 1, 1), (5, 3, 40, 61), (17, 33, 100, 150), (100, 150, 57, 53), (16, 16, 32, 32), (156, 202, 1, 1), (1, 1, 155, 201)];
        foreach (var (t, l, h, w) in boxes)
        {
            var (region, reduce) = source.ReadRegion(t, l, h, w, 1);
            using (region)
            {
                Assert.Equal(1, reduce);
                Assert.Equal([channels, h, w], region.Data.Shape);
                var expected = full.Data.Narrow(1, t, h).Narrow(2, l, w);
                Assert.True(expected.Equal(region.Data), $"box {(t, l, h, w)} differs from the full decode's crop");
            }
        }
    }

    [Fact]
    public void FullDecodeIsRgbInOrder()
    {
        using var scope = DisposeScope.Open();
        // left half pure red, right half pure blue
        var px = new byte[32 * 64 * 3];
        for (var y = 0; y < 32; y++)
            for (var x = 0; x < 64; x++)
                px[(y * 64 + x) * 3 + (x < 32 ? 0 : 2)] = 255;
        var img = torch.FromArray(px, [32, 64, 3]);
        var jpeg = ImageCodec.Encode(img, ImageFormat.Jpeg, 95);
        var chw = FullChw(jpeg);
        var hwc = ImageCodec.Decode(jpeg).Pixels;
        Assert.True(hwc.Permute(2, 0, 1).Equal(chw));
        Assert.True(At(chw, 0, 16, 8) > 240 && At(chw, 2, 16, 8) < 15, "red on the left");
        Assert.True(At(chw, 2, 16, 56) > 240 && At(chw, 0, 16, 56) < 15, "blue on the right");
        var region = ImageCodec.DecodeJpegRegion(jpeg, 8, 40, 8, 16);
        Assert.Equal([8L, 16, 3], region.Shape);
        Assert.True(hwc.Narrow(0, 8, 8).Narrow(1, 40, 16).Equal(region));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void ReducedDecodeHasCeilShapeAndApproximatesTheFullImage(int reduce)
    {
        using var scope = DisposeScope.Open();
        var jpeg = MakeJpeg(157, 203);
        Assert.True(ImageCodec.TryReadJpegHeader(jpeg, out var header));
        Assert.Equal(new JpegHeader(157, 203, 3), header);
        var (rh, rw) = header.Reduced(reduce);
        Assert.Equal(((157 + reduce - 1) / reduce, (203 + reduce - 1) / reduce), (rh, rw));
        using var reduced = RasterImageReader.Decode(jpeg, "t.jpg", reduce);
        Assert.Equal([3, rh, rw], reduced.Data.Shape);
        // the region path on the reduced grid: box rounded to 1/reduce
        var source = RasterImageReader.OpenRegion(jpeg, "t.jpg")!;
        var (region, used) = source.ReadRegion(0, 0, 157, 203, reduce);
        using (region)
        {
            Assert.Equal(reduce, used);
            Assert.True(reduced.Data.Equal(region.Data));
        }
        // mean brightness preserved (DCT scaling averages)
        var meanFull = FullChw(jpeg).To(DType.Float64).Mean().ToDouble();
        Assert.InRange(reduced.Data.To(DType.Float64).Mean().ToDouble(), meanFull - 2, meanFull + 2);
    }

    [Fact]
    public void TruncatedAndCorruptJpegsAreRejectedWithoutKillingTheProcess()
    {
        using var scope = DisposeScope.Open();
        var jpeg = MakeJpeg(64, 64);
        var truncated = jpeg[..(jpeg.Length / 2)];
        Assert.Throws<InvalidDataException>(() => ImageCodec.DecodeJpegRegion(truncated, 0, 0, 8, 8));
        var source = RasterImageReader.OpenRegion(truncated, "cut.jpg")!;
        var e = Assert.Throws<ImageReadException>(() => source.ReadRegion(0, 0, 8, 8, 1));
        Assert.Contains("truncated", e.Message);
        Assert.Throws<ImageReadException>(() => RasterImageReader.Decode(truncated, "cut.jpg"));
        // a header cut short: libjpeg's error_exit must come back as an exception
        var header = jpeg[..20];
        Assert.Throws<InvalidDataException>(() => ImageCodec.TryReadJpegHeader(header, out _));
        // box outside the image
        Assert.Throws<InvalidDataException>(() => ImageCodec.DecodeJpegRegion(jpeg, 60, 0, 8, 8));
        Assert.False(ImageCodec.TryReadJpegHeader("\x89PNG\r\n\x1a\n"u8, out _));
    }

    [Fact]
    public void CropAwareRandomResizedCropPlansTheSameBoxAsTheNormalPath()
    {
        var rrc = new RandomResizedCrop([24, 24]);
        for (var i = 0; i < 50; i++)
        {
            using var a = TransformContext.For(3, 1, i);
            using var b = TransformContext.For(3, 1, i);
            var plan = rrc.PlanCrop(157, 203, a)!.Value;
            var box = RandomResizedCrop.GetParams(157, 203, rrc.Scale, rrc.Ratio, b.Random);
            Assert.Equal(box, (plan.Top, plan.Left, plan.Height, plan.Width));
            Assert.Equal(1, plan.Reduce);
            Assert.Equal(a.Random.Next(), b.Random.Next()); // same number of draws consumed
        }
        // reduction only when allowed and the box is >= factor x output in both dims
        var reducing = new RandomResizedCrop([24, 24]) { AllowReducedDecode = true };
        for (var i = 0; i < 50; i++)
        {
            using var c = TransformContext.For(3, 1, i);
            var p = reducing.PlanCrop(157, 203, c)!.Value;
            var expected = p.Height >= 96 && p.Width >= 96 ? 4 : p.Height >= 48 && p.Width >= 48 ? 2 : 1;
            Assert.Equal(expected, p.Reduce);
        }
    }

    [Fact]
    public void DatasetCropAwarePathEqualsTheFullDecodePathExactly()
    {
        using var scope = DisposeScope.Open();
        var dir = TempDir();
        try
        {
            var paths = new List<string>();
            for (var k = 0; k < 3; k++)
            {
                var p = Path.Combine(dir, $"img{k}.jpg");
                File.WriteAllBytes(p, MakeJpeg(120 + 7 * k, 150 - 5 * k, seed: (ulong)k + 1));
                paths.Add(p);
            }
            var ds = new ImageDataset([.. paths.Select(p => new DatasetItem(p, 0))], ["a"]);
            var transform = new Compose(new ToFloat(), new RandomResizedCrop([32, 32]), new RandomFlip(0.5), Normalize.ImageNet());
            for (var i = 0; i < ds.Count; i++)
                for (var epoch = 0; epoch < 4; epoch++)
                {
                    using var c1 = TransformContext.For(9, epoch, i);
                    using var c2 = TransformContext.For(9, epoch, i);
                    var planned = ds.LoadSample(i, transform, c1);
                    using var img = ImageReader.Read(paths[i]);
                    var normal = transform.Apply(new Sample { Image = img.Data.Alias(), Meta = img.Meta, Index = i }, c2);
                    Assert.True(normal.Image.Equal(planned.Image), $"item {i} epoch {epoch}");
                    Assert.Equal(normal.Meta.Spacing, planned.Meta.Spacing);
                    Assert.Equal(normal.Meta.Affine, planned.Meta.Affine);
                    var views = ds.LoadViews(i, transform, 9, epoch, 1);
                    Assert.True(normal.Image.Equal(views[0].Image));
                }
            // reduced decode: same shape, close values
            var reducing = new Compose(new ToFloat(), new RandomResizedCrop([16, 16]) { AllowReducedDecode = true });
            var plain = new Compose(new ToFloat(), new RandomResizedCrop([16, 16]));
            for (var epoch = 0; epoch < 8; epoch++)
            {
                using var c1 = TransformContext.For(1, epoch, 0);
                using var c2 = TransformContext.For(1, epoch, 0);
                var r = ds.LoadSample(0, reducing, c1).Image;
                var n = ds.LoadSample(0, plain, c2).Image;
                Assert.Equal(n.Shape, r.Shape);
                Assert.True(r.Sub(n).Abs().Mean().ToDouble() < 40, "reduced decode far from the full decode");
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>A 45x61 progressive 4:2:0 JPEG (PIL, quality 75, progressive=True).</summary>
    private static readonly byte[] s_progressive = Convert.FromBase64String(
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PT" +
        "gyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wgARCAAt" +
        "AD0DASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAABAcG/8QAFQEBAQAAAAAAAAAAAAAAAAAAAAH/2gAMAwEAAhADEAAAAcmsbBrRMRjRLG" +
        "rGtZYwbRTSMVqxsRayrJaoThixMGsItWMKmT//xAAZEAADAQEBAAAAAAAAAAAAAAAAAQIxIRH/2gAIAQEAAQUCkRJLZJBPnq6TkaiSSSBIkgnp" +
        "JOySLJ4SJkoRBIhEek8JJyRb4JkZHXLFxTqQur//xAAWEQADAAAAAAAAAAAAAAAAAAAAATD/2gAIAQMBAT8Bmj//xAAYEQACAwAAAAAAAAAAAA" +
        "AAAAAAARARMP/aAAgBAgEBPwGKxZ//xAAcEAACAgIDAAAAAAAAAAAAAAAQESAxADBBUXH/2gAIAQEABj8Cn3JYxU6xz50+mgj/AP/EACEQAAIC" +
        "AgICAwEAAAAAAAAAAAERACExQVFxYZGhsdGB/9oACAEBAAE/ITZ2fBENJke4VjAcALVgRmDOkzL6MBFaeYSC7lvpLtmBdr1Hqq1CNMg/cB2BMe" +
        "Hj+OFX6gEQaqgThSxQCuIEdkw3ZIXiAzcIANPE7hMphCKigjmGBklTJun6iFX8SwsF0ILxgQP1LBxzCCstxyGwsziEXHFueJjr6igD2myUHqCx" +
        "p+wiA7IiWByxE/EqlZn/2gAMAwEAAgADAAAAEGYabAoGdCH4j//EABoRAQEBAQEBAQAAAAAAAAAAAAEAETEhQWH/2gAIAQMBAT8Q+aWB7flrsb" +
        "LBObjyHzGDGB7dF//EABsRAAMAAwEBAAAAAAAAAAAAAAABESExQVFx/9oACAECAQE/ENCWMngw9luioSotoSipK/pOjLh//8QAJRABAAICAQMF" +
        "AAMBAAAAAAAAAREhADFBUWHBcYGRofCx0fHh/9oACAEBAAE/EIiBAqgnbprCSgNw1XW9xhCM4WzzntEDS+JyUEzZZPXj6xsKIm9enT1P15BsPN" +
        "H7+pyphOohE/59YILTkYEXt8f7komJEZcdU+/fDMbYmGSI9O813yUykscp8ccZIMUGUkzO3GMgLSMLxzkJMSsFu9jzr9vNgtymXz+vJtSamEUM" +
        "T8demCRwOmk6ee+MqLEcukG4xy0kG9sf8b74AUbITuzzlxDaNrS8rAwcG6g39YPLbRBj6d4+Q3IFX9vphFaBVDhiYqOr89sikzItnJ8eMELoIq" +
        "xzJ5+8YsImBuP384J2hIJPcziUxuYtLzfG51i4coZKjOkQSEosQTlRSSoEzLUb1f1jQSItQK888axAV4CO0bddMMnIQlDFep/i4FjhAkRNVWv3" +
        "rjTz+Qrz5wEFE8ry928gQKey58fx0y5dlSPVJxQpPCWe2IhBIG7xOmRX0iPnGrARcvfj2jHYR5HhB698ZDgEgzXxGf/Z");

    [Fact]
    public void ProgressiveJpegRegionDecodeEqualsCropOfFullDecode()
    {
        using var scope = DisposeScope.Open();
        using var full = RasterImageReader.Decode(s_progressive, "p.jpg");
        Assert.Equal([3L, 45, 61], full.Data.Shape);
        var source = RasterImageReader.OpenRegion(s_progressive, "p.jpg")!;
        foreach (var (t, l, h, w) in new (long, long, long, long)[] { (0, 0, 45, 61), (3, 5, 20, 30), (17, 33, 28, 28), (44, 60, 1, 1) })
        {
            var (region, _) = source.ReadRegion(t, l, h, w, 1);
            using (region)
                Assert.True(full.Data.Narrow(1, t, h).Narrow(2, l, w).Equal(region.Data), $"box {(t, l, h, w)}");
        }
    }
}
