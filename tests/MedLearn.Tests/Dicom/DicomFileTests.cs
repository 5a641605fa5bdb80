using MedLearn.Torch.Tests;
using MedLearn.Torch;
using MedLearn.Torch.Vision;
using static MedLearn.Tests.Dicom.DicomTestData;

namespace MedLearn.Tests.Dicom;

/// <summary>DicomFile (GDCM through the shim) against pydicom's pixel_array on pydicom's own test files.</summary>
public class DicomFileTests
{
    public static TheoryData<string> Files() =>
    [
        "CT_small.dcm", "MR_small.dcm", "MR_small_RLE.dcm", "MR_small_jp2klossless.dcm", "MR_small_bigendian.dcm",
        "MR_small_implicit.dcm", "image_dfl.dcm", "liver_1frame.dcm", "SC_rgb_jpeg_dcmd.dcm", "SC_rgb_rle.dcm",
        "SC_rgb_rle_2frame.dcm", "SC_rgb_small_odd.dcm", "rtdose.dcm", "JPEG2000.dcm",
    ];

    [Theory]
    [MemberData(nameof(Files))]
    public void PixelsMatchPydicom(string name)
    {
        using var scope = DisposeScope.Open();
        var f = DicomFile.Read(File(name));
        var k = Key(name);
        Assert.Equal(Doubles(k + ".shape").Select(d => (long)d), f.Pixels.Shape);
        var p = f.Pixels.To(DType.Float64);
        Assert.Equal(G.Value(k + ".sum"), p.Sum().ToDouble());
        Assert.Equal(G.Value(k + ".sumsq"), p.Mul(p).Sum().ToDouble());
        Assert.Equal(G.Value(k + ".min"), p.Min().ToDouble());
        Assert.Equal(G.Value(k + ".max"), p.Max().ToDouble());
        var flat = p.Reshape(-1).ToArray<double>();
        var idx = Doubles(k + ".probe_index");
        var val = Doubles(k + ".probe_value");
        for (var i = 0; i < idx.Length; i++) Assert.Equal(val[i], flat[(int)idx[i]]);
        Assert.Equal((int)G.Value(k + ".bits_stored"), f.BitsStored);
    }

    [Fact]
    public void JpegBaselineIsCloseToPydicom()
    {
        // Lossy JPEG: decoders may round differently, so compare statistics with a small tolerance.
        using var scope = DisposeScope.Open();
        const string name = "SC_rgb_dcmtk_+eb+cr.dcm";
        var f = DicomFile.Read(File(name));
        var k = Key(name);
        Assert.Equal(Doubles(k + ".shape").Select(d => (long)d), f.Pixels.Shape);
        Assert.Equal(DType.UInt8, f.Pixels.DType);
        Assert.Equal(G.Value(k + ".sum"), f.Pixels.To(DType.Float64).Sum().ToDouble(), G.Value(k + ".sum") * 1e-3);
        Assert.Equal("RGB", f.PhotometricInterpretation);
    }

    [Theory]
    [InlineData("MR_small_jpeg_ls_lossless.dcm", "MR_small.dcm")]   // pydicom has no JPEG-LS decoder here
    [InlineData("MR_small_RLE.dcm", "MR_small.dcm")]
    [InlineData("MR_small_jp2klossless.dcm", "MR_small.dcm")]
    public void LosslessEncodingsEqualTheirUncompressedTwin(string compressed, string twin)
    {
        using var scope = DisposeScope.Open();
        var a = DicomFile.Read(File(compressed));
        var b = DicomFile.Read(File(twin));
        Assert.Equal(b.Pixels.Shape, a.Pixels.Shape);
        Assert.Equal(0.0, a.Pixels.To(DType.Float64).Sub(b.Pixels.To(DType.Float64)).Abs().Max().ToDouble());
    }

    [Fact]
    public void JpegLosslessColourEqualsRleTwin()
    {
        // SC_rgb_jpeg_gdcm.dcm (JPEG lossless, which pydicom cannot decode here) holds the image of SC_rgb_rle.dcm.
        using var scope = DisposeScope.Open();
        var a = DicomFile.Read(File("SC_rgb_jpeg_gdcm.dcm"));
        Assert.Equal(new long[] { 1, 100, 100, 3 }, a.Pixels.Shape);
        Assert.Equal(G.Value("SC_rgb_rle.sum"), a.Pixels.To(DType.Float64).Sum().ToDouble());
    }

    [Fact]
    public void TagsAreNumbers()
    {
        using var scope = DisposeScope.Open();
        var f = DicomFile.Read(File("CT_small.dcm"));
        Assert.Equal(Doubles("CT_small.ImagePositionPatient"), f.ImagePositionPatient!);
        Assert.Equal(Doubles("CT_small.ImageOrientationPatient"), f.ImageOrientationPatient!);
        Assert.Equal(Doubles("CT_small.PixelSpacing"), f.PixelSpacing!);
        Assert.Equal(G.Value("CT_small.RescaleIntercept"), f.RescaleIntercept);
        Assert.Equal(G.Value("CT_small.RescaleSlope"), f.RescaleSlope);
        Assert.Equal(G.Value("CT_small.SliceThickness"), f.SliceThickness);
        Assert.Equal("CT", f.Modality);
        Assert.True(f.IsSigned);
        Assert.Equal(DType.Int16, f.Pixels.DType);
        Assert.Equal("1.2.840.10008.1.2.1", f.TransferSyntaxUid);
        Assert.NotEmpty(f.SeriesInstanceUid);

        var mr = DicomFile.Read(File("MR_small.dcm"));
        Assert.Equal(G.Value("MR_small.WindowCenter"), mr.WindowCenter);
        Assert.Equal(G.Value("MR_small.WindowWidth"), mr.WindowWidth);
        Assert.Null(mr.RescaleSlope);
    }

    [Fact]
    public void Unsigned32BitBecomesInt64AndRtDoseHasFramePositions()
    {
        using var scope = DisposeScope.Open();
        var mr = DicomFile.Read(File("MR_small.dcm"));
        Assert.Equal(DType.Int16, mr.Pixels.DType);
        // GDCM 3.0 mis-orders the byte segments of 16-bit colour RLE: refused instead of returning wrong pixels.
        var e = Assert.Throws<DicomReadException>(() => DicomFile.Read(File("SC_rgb_rle_16bit.dcm")));
        Assert.Equal(DicomErrorKind.Unsupported, e.Kind);
        var dose = DicomFile.Read(File("rtdose.dcm"));
        Assert.Equal(DType.Int64, dose.Pixels.DType);   // unsigned 32-bit
        Assert.Equal(DicomFramePositions.GridFrameOffsets, dose.FramePositionSource);
        var pos = dose.FramePositions!.ToArray<double>();
        var ipp = Doubles("rtdose.ImagePositionPatient");
        var offsets = Doubles("rtdose.GridFrameOffsetVector");
        for (var k = 0; k < 15; k++)
        {
            Assert.Equal(ipp[0], pos[3 * k], 9);
            Assert.Equal(ipp[2] + offsets[k], pos[3 * k + 2], 9);
        }
        Assert.Equal(G.Value("rtdose.DoseGridScaling"), dose.DoseGridScaling);
    }

    [Fact]
    public void FileWithoutPixelDataIsAClearError()
    {
        using var scope = DisposeScope.Open();
        var e = Assert.Throws<DicomReadException>(() => DicomFile.Read(File("rtplan.dcm")));
        Assert.Equal(DicomErrorKind.NoPixelData, e.Kind);
        Assert.Contains("no pixel data", e.Message);
    }

    [Fact]
    public void NativeMemoryIsReleased()
    {
        var before = LeakCheck.Baseline();
        for (var i = 0; i < 3; i++)
        {
            using var scope = DisposeScope.Open();
            _ = DicomFile.Read(File("rtdose.dcm"));
        }
        Assert.Equal(before, LiveTensors.Count);
    }
}
