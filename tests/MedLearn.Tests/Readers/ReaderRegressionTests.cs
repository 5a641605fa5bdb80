using MedLearn.Data;
using MedLearn.Data.Readers;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Readers;

/// <summary>
/// Issue 12 regressions: each case on a file written by tools/golden/gen_readers_regressions.py, with values from
/// pydicom / nibabel / PIL / tifffile (MedLearn's conventions applied there in numpy, never by hand).
/// </summary>
public class ReaderRegressionTests
{
    private static Golden G => Golden.Load("readers_regressions");

    internal static string R(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", "readers_regressions", name);

    /// <summary>Shape, order-free statistics and the stored elements (all, or every 97th) equal the oracle's.</summary>
    private static void AssertOracle(string key, MedicalImage image, double atol = 0)
    {
        using var scope = DisposeScope.Open();
        var shape = G.RawValue(key + ".shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        Assert.Equal(shape, image.Data.Shape);
        var flat = image.Data.To(DType.Float64).Contiguous().Reshape(-1).ToArray<double>();
        var expected = G.Data(key);
        var actual = expected.Length == flat.Length ? flat : [.. Enumerable.Range(0, expected.Length).Select(i => flat[i * 97])];
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= atol + 1e-6 * Math.Abs(expected[i]),
                $"{key}: element {i} is {actual[i]}, oracle {expected[i]}");
        var stats = G.RawValue(key + ".stats").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(stats[2], flat.Min(), 6);
        Assert.Equal(stats[3], flat.Max(), 6);
        Assert.True(Math.Abs(stats[0] - flat.Sum()) <= atol * flat.Length + 1e-9 * Math.Max(1, Math.Abs(stats[0])), $"{key}: sum {flat.Sum()} vs {stats[0]}");
    }

    // 1. silent wrong values; 2. valid files refused; 3. display conventions (defaults).
    [Theory]
    [InlineData("rtdose_expb.dcm")]            // 32-bit big endian: GDCM's halves were swapped (4292 Gy for 0.8 Gy)
    [InlineData("rtdose_expb_1frame.dcm")]     // + single-frame RT dose (GDCM's geometry assertion)
    [InlineData("rtdose_1frame.dcm")]
    [InlineData("rtdose_rle_1frame.dcm")]
    [InlineData("int32_be.dcm")]               // signed 32-bit big endian
    [InlineData("J2K_pixelrep_mismatch.dcm")]  // unsigned J2K codestream, signed PixelRepresentation: -2000, not 6192
    [InlineData("bits12_signed_le.dcm")]       // garbage above BitsStored: masked and sign-extended
    [InlineData("bits12_signed_be.dcm")]
    [InlineData("bits12_unsigned_le.dcm")]
    [InlineData("bits12_unsigned_be.dcm")]
    [InlineData("MR_small_expb.dcm")]
    [InlineData("mr_zero_padded.dcm")]         // zero padding after the pixel data (and a trailing element)
    [InlineData("SC_ybr_full_422_uncompressed.dcm")] // uncompressed YBR_FULL_422 read, and converted to RGB
    [InlineData("ybr_full.dcm")]               // YBR_FULL -> RGB as pydicom
    [InlineData("monochrome1.dcm")]            // MONOCHROME1 inverted, then rescaled
    [InlineData("vr_dc_ok.dcm")]               // unknown VR "DC" read with a 4-byte length, as GDCM does
    [InlineData("palette_grey.png")]           // grey palette: one channel
    [InlineData("palette_colour.png")]         // colour palette: RGB
    [InlineData("miniswhite8.tif")]            // MINISWHITE inverted (OpenCV does 8-bit itself)
    [InlineData("miniswhite16.tif")]           // ... and 16-bit by us
    [InlineData("grey16.png")]                 // 16-bit PNG through libpng: int32 0..65535
    [InlineData("slope_int32.nii")]            // int32 * 1e-3 + 7.25 in float64, then float32
    [InlineData("pair.hdr")]                   // NIfTI-1 .hdr/.img pair
    [InlineData("analyze.hdr")]                // ANALYZE 7.5
    public void ReadsWhatTheOracleReads(string name)
    {
        using var image = ImageReader.Read(R(name));
        AssertOracle(name, image);
    }

    [Fact]
    public void Monochrome1ConventionsAreOptionsWithWindowMapped()
    {
        using var inverted = ImageReader.Read(R("monochrome1.dcm"));
        var window = G.RawValue("monochrome1.window").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal("gray", inverted.Meta.ColorSpace);
        Assert.Equal(window[0], inverted.Meta.WindowCenter);
        Assert.Equal(window[1], inverted.Meta.WindowWidth);
        using var raw = ImageReader.Read(R("monochrome1.dcm"), new ImageReadOptions { InvertMonochrome1 = false });
        Assert.Equal("MONOCHROME1", raw.Meta.ColorSpace);
        Assert.Equal(1000, raw.Meta.WindowCenter);
        // not inverted: (raw * 2 - 100) summed
        Assert.Equal(G.Value("monochrome1.raw_sum") * 2 - 100 * raw.Data.NumEl, raw.Data.To(DType.Float64).Sum().ToDouble(), 3);
    }

    [Fact]
    public void YbrConversionIsAnOption()
    {
        using var ybr = ImageReader.Read(R("ybr_full.dcm"), new ImageReadOptions { ConvertYbrToRgb = false });
        Assert.Equal("YBR_FULL", ybr.Meta.ColorSpace);
        var raw = G.RawValue("ybr_full.raw").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(raw, ybr.Data.To(DType.Float64).Contiguous().Reshape(-1).ToArray<double>());
        using var rgb = ImageReader.Read(R("ybr_full.dcm"));
        Assert.Equal("rgb", rgb.Meta.ColorSpace);
    }

    [Fact]
    public void GreyPaletteAndMinIsWhiteAreOptions()
    {
        using var palette = ImageReader.Read(R("palette_grey.png"), new ImageReadOptions { GreyPaletteAsSingleChannel = false });
        Assert.Equal(3, palette.Data.Size(0));
        using var tif = ImageReader.Read(R("miniswhite16.tif"), new ImageReadOptions { InvertMinIsWhite = false });
        using var inverted = ImageReader.Read(R("miniswhite16.tif"));
        using var scope = DisposeScope.Open();
        Assert.Equal(65535.0 * tif.Data.NumEl, tif.Data.To(DType.Float64).Add(inverted.Data.To(DType.Float64)).Sum().ToDouble());
    }

    [Fact]
    public void RescaleOverflowIsAnErrorOrFloat64()
    {
        var e = Assert.Throws<ImageReadException>(() => ImageReader.Read(R("slope_3e38.nii")));
        Assert.Contains("float32 range", e.Reason);
        Assert.Contains("slope_3e38.nii", e.Message);
        using var wide = ImageReader.Read(R("slope_3e38.nii"), new ImageReadOptions { RescaledType = DType.Float64 });
        Assert.Equal(DType.Float64, wide.Data.DType);
        Assert.Equal(G.Value("slope_3e38.max_abs"), wide.Data.Abs().Max().ToDouble(), G.Value("slope_3e38.max_abs") * 1e-6);
    }

    [Fact]
    public void PairAndAnalyzeAffinesMatchNibabel()
    {
        foreach (var (file, key) in new[] { ("pair.img", "pair.affine"), ("analyze.hdr", "analyze.affine") })
        {
            using var image = ImageReader.Read(R(file));
            var expected = G.RawValue(key).EnumerateArray().Select(e => e.GetDouble()).ToArray();
            TensorAssert.Close(expected, image.Meta.Affine, 1e-6, 1e-6, key);
        }
    }

    // 4. resource limits
    [Fact]
    public void HugePngIsRefusedInOurWordsBeforeDecoding()
    {
        var e = Assert.Throws<ImageReadException>(() => ImageReader.Read(R("png_40000.png")));
        Assert.Contains("40000 x 40000", e.Reason);
        Assert.Contains("MaxPixels", e.Reason);
        Assert.DoesNotContain("OpenCV", e.Message);
    }

    [Fact]
    public void DeflatedDicomIsBoundedWhileInflating()
    {
        using var image = ImageReader.Read(R("deflate_4mb.dcm"));
        Assert.Equal(G.Value("deflate_4mb.sum"), image.Data.To(DType.Float64).Sum().ToDouble());
        var e = Assert.Throws<ImageReadException>(() => ImageReader.Read(R("deflate_4mb.dcm"), new ImageReadOptions { MaxDecodedBytes = 1 << 20 }));
        Assert.Contains("1048576", e.Reason);
    }

    [Fact]
    public void GzipNiftiIsCheckedFromItsHeader()
    {
        var e = Assert.Throws<ImageReadException>(() => ImageReader.Read(R("zeros_32mb.nii.gz"), new ImageReadOptions { MaxDecodedBytes = 8 << 20 }));
        Assert.Contains("MaxDecodedBytes", e.Reason);
        e = Assert.Throws<ImageReadException>(() => ImageReader.Read(R("zeros_32mb.nii.gz"), new ImageReadOptions { MaxPixels = 1000 }));
        Assert.Contains("MaxPixels", e.Reason);
    }

    [Fact]
    public void UnknownVrBombIsRefusedBeforeGdcm()
    {
        var e = Assert.Throws<ImageReadException>(() => ImageReader.Read(R("vr_dc_bomb.dcm")));
        Assert.Contains("truncated", e.Reason);
        Assert.Contains("(0009,1001)", e.Reason);
    }

    [Fact]
    public void DicomLimitsComeFromTheHeader()
    {
        var e = Assert.Throws<ImageReadException>(() => ImageReader.Read(R("mr_zero_padded.dcm"), new ImageReadOptions { MaxPixels = 64 * 64 - 1 }));
        Assert.Contains("64 x 64 x 1 frames", e.Reason);
    }

    // 2. refused with the reason (pydicom cannot decode it either): the decoder's own text in the error, not on stderr
    [Fact]
    public void J2kWithEmbeddedDelimiterSaysWhy()
    {
        var e = Assert.Throws<ImageReadException>(() => ImageReader.Read(R("JPEG2000-embedded-sequence-delimiter.dcm")));
        Assert.Contains("could not be decoded", e.Reason);
    }

    // 5. content decides the format
    [Theory]
    [InlineData("content_png.dcm", "seed_2d", typeof(RasterImageReader))]
    [InlineData("content_tiff.dcm", "seed_2d", typeof(RasterImageReader))]
    [InlineData("content_png.nii", "seed_2d", typeof(RasterImageReader))]
    [InlineData("content_nifti.dcm", "seed_nii", typeof(NiftiReader))]
    [InlineData("content_gzip.nii", "seed_nii", typeof(NiftiReader))]
    [InlineData("content_dicom.png", "seed_2d", typeof(DicomReader))]
    public void ContentDecidesTheFormat(string name, string key, Type reader)
    {
        Assert.IsType(reader, ImageReader.ReaderFor(R(name)));
        using var image = ImageReader.Read(R(name));
        AssertOracle(key, image);
    }

    [Fact]
    public void GzipProblemsAreNamed()
    {
        var e = Assert.Throws<ImageReadException>(() => ImageReader.Read(R("bad_crc.nii.gz")));
        Assert.Contains("corrupt gzip stream (CRC mismatch)", e.Reason);
        e = Assert.Throws<ImageReadException>(() => ImageReader.Read(R("content_gzip_text.nii")));
        Assert.Contains("gzip-compressed data that is not a NIfTI image", e.Reason);
    }

    // 7. refused by design, with the reason
    [Theory]
    [InlineData("complex.nii", "complex")]
    [InlineData("planar16_rgb.tif", "planar")]
    [InlineData("uint32.tif", "unsigned 32-bit")]
    public void RefusedByDesignWithTheReason(string name, string reason)
    {
        var e = Assert.Throws<ImageReadException>(() => ImageReader.Read(R(name)));
        Assert.Contains(reason, e.Reason);
        Assert.StartsWith(R(name), e.Message);
    }
}
