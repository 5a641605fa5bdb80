using MedLearn.Data;
using MedLearn.Data.Readers;
using MedLearn.Data.Transforms;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Readers;

/// <summary>
/// Issue 12 item 3: the file's VOI LUT Sequence and VOI LUT Function are read into <see cref="ImageMeta"/> and
/// applied by <see cref="VoiTransform"/>, against pydicom 2.3's <c>apply_voi_lut</c> on files written by
/// tools/golden/gen_voi_lut.py (divided by the output range there).
/// </summary>
public class VoiLutTests
{
    private static Golden G => Golden.Load("voi_lut");

    private static string F(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", "voi_lut", name);

    private static double[] Apply(MedicalImage image, DType dtype) => Apply(image, image.Meta, dtype);

    private static double[] Apply(MedicalImage image, ImageMeta meta, DType dtype)
    {
        using var scope = DisposeScope.Open();
        using var ctx = TransformContext.For(0, 0, 0);
        var sample = new Sample { Image = image.Data.To(dtype), Meta = meta };
        return new VoiTransform().Apply(sample, ctx).Image.To(DType.Float64).Contiguous().Reshape(-1).ToArray<double>();
    }

    [Theory]
    [InlineData("lut8.dcm", 0.0)]            // 8-bit entries; the LUT wins over the file's window; below/above clamp
    [InlineData("lut16_signed.dcm", 0.0)]    // 16-bit entries, signed pixels, first mapped -500 (SS descriptor)
    [InlineData("lut65536.dcm", 0.0)]        // descriptor entries 0 = 65536, LUT Data as OW
    [InlineData("sigmoid.dcm", 1e-12)]
    [InlineData("signed_sigmoid.dcm", 1e-12)]
    [InlineData("linear_exact.dcm", 1e-12)]
    [InlineData("linear.dcm", 1e-12)]
    [InlineData("linear_default.dcm", 1e-12)] // no VOI LUT Function: LINEAR
    public void FileVoiMatchesPydicomApplyVoiLut(string name, double atol)
    {
        var baseline = LeakCheck.Baseline();
        using (var image = ImageReader.Read(F(name)))
        {
            var stem = name[..^4];
            Assert.Equal(G.Data(stem + ".input"), ReadInput(image));
            var expected = G.Data(stem);
            var actual64 = Apply(image, DType.Float64);
            var actual32 = Apply(image, DType.Float32);
            Assert.Equal(expected.Length, actual64.Length);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual64[i]) <= atol, $"{name}[{i}]: float64 {actual64[i]} vs pydicom {expected[i]}");
                Assert.True(Math.Abs(expected[i] - actual32[i]) <= 1e-6, $"{name}[{i}]: float32 {actual32[i]} vs pydicom {expected[i]}");
            }
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }

    private static double[] ReadInput(MedicalImage image)
    {
        using var scope = DisposeScope.Open();
        return image.Data.To(DType.Float64).Contiguous().Reshape(-1).ToArray<double>();
    }

    [Theory]
    [InlineData("lut8.dcm", null)]
    [InlineData("lut16_signed.dcm", null)]
    [InlineData("lut65536.dcm", null)]
    [InlineData("sigmoid.dcm", "SIGMOID")]
    [InlineData("linear_exact.dcm", "LINEAR_EXACT")]
    [InlineData("linear_default.dcm", null)]
    public void ReaderKeepsTheLutDescriptorAndFunction(string name, string? function)
    {
        using var image = ImageReader.Read(F(name));
        Assert.Equal(function, image.Meta.VoiLutFunction);
        var stem = name[..^4];
        var values = name.StartsWith("lut", StringComparison.Ordinal) ? G.RawValue(stem + ".lut").EnumerateArray().ToArray() : null;
        if (values is null)
        {
            Assert.Null(image.Meta.VoiLut);
            return;
        }
        var lut = Assert.IsType<VoiLut>(image.Meta.VoiLut);
        Assert.Equal(values[0].GetInt64(), lut.FirstMapped);
        Assert.Equal(values[1].GetInt32(), lut.BitsPerEntry);
        Assert.Equal(values[2].GetInt32(), lut.Data.Length);
        Assert.Equal(values[3].GetString(), lut.Explanation);
    }

    [Fact]
    public void ImageWithNeitherLutNorWindowIsRefusedNamingTheFile()
    {
        using var image = ImageReader.Read(F("no_voi.dcm"));
        var e = Assert.Throws<InvalidOperationException>(() => Apply(image, DType.Float32));
        Assert.Contains("no_voi.dcm", e.Message);
        Assert.Contains("(0028,3010)", e.Message);
    }

    [Theory]
    [InlineData("LINEAR", 0.5)]
    [InlineData("LINEAR_EXACT", 0.0)]
    [InlineData("SIGMOID", -1.0)]
    [InlineData("GAMMA", 100.0)]
    public void WidthOutsideTheFunctionsDomainOrUnknownFunctionIsRefused(string function, double width)
    {
        using var image = ImageReader.Read(F("no_voi.dcm"));
        var meta = image.Meta with { WindowCenter = 100, WindowWidth = width, VoiLutFunction = function };
        var e = Assert.Throws<ArgumentException>(() => Apply(image, meta, DType.Float32));
        Assert.Contains(function, e.Message);
    }

    [Fact]
    public void LinearWithWidthOneIsAStepAtCentreMinusHalf()
    {
        using var scope = DisposeScope.Open();
        using var ctx = TransformContext.For(0, 0, 0);
        var sample = new Sample
        {
            Image = torch.FromArray(new double[] { 9, 9.5, 9.6, 10, 11 }, 1, 1, 5),
            Meta = new ImageMeta { WindowCenter = 10, WindowWidth = 1, VoiLutFunction = "LINEAR" },
        };
        Assert.Equal([0, 0, 1, 1, 1], new VoiTransform().Apply(sample, ctx).Image.Reshape(-1).ToArray<double>());
    }

    [Fact]
    public void Monochrome1LutIsKeptOnlyWhenTheReaderDoesNotInvert()
    {
        var baseline = LeakCheck.Baseline();
        using (var inverted = ImageReader.Read(F("mono1_lut8.dcm")))
            Assert.Null(inverted.Meta.VoiLut); // its input would be the un-inverted value: dropped, not misapplied
        using (var raw = ImageReader.Read(F("mono1_lut8.dcm"), new ImageReadOptions { InvertMonochrome1 = false }))
        {
            Assert.Equal("mono1", raw.Meta.VoiLut?.Explanation);
            Assert.Equal(G.Data("mono1_lut8.input"), ReadInput(raw));
            Assert.Equal(G.Data("mono1_lut8"), Apply(raw, DType.Float64));
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Theory]
    [InlineData("lut_bad_bits.dcm", "bits per entry must be 8 to 16, got 20")]
    [InlineData("lut_short.dcm", "shorter than its descriptor's 300 entries")]
    public void MalformedVoiLutIsRefusedNamingTheFileAndTheProblem(string name, string problem)
    {
        var e = Assert.Throws<ImageReadException>(() => ImageReader.Read(F(name)));
        Assert.Contains(name, e.Message);
        Assert.Contains(problem, e.Message);
    }
}
