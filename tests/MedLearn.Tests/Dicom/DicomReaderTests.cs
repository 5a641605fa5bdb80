using MedLearn.Data;
using MedLearn.Data.Readers;
using MedLearn.Torch;
using MedLearn.Torch.Tests;
using static MedLearn.Tests.Dicom.DicomTestData;

namespace MedLearn.Tests.Dicom;

/// <summary>DicomReader / DicomSeriesReader: layout, rescaling, geometry and errors.</summary>
public class DicomReaderTests
{
    private static void AssertClose(double[] expected, double[] actual, double tol = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"[{i}] expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void RegistryPicksDicomForFilesAndSeriesForFolders()
    {
        Assert.IsType<DicomReader>(ImageReader.ReaderFor(File("CT_small.dcm")));
        Assert.IsType<DicomSeriesReader>(ImageReader.ReaderFor(Series("dicom_series")));
        var r = new DicomReader();
        var header = new byte[132];
        "DICM"u8.CopyTo(header.AsSpan(128));
        Assert.True(r.CanRead("x.bin", header));
        Assert.False(r.CanRead("x.bin", new byte[132]));
        Assert.True(r.CanRead("x.dcm", new byte[10]));   // preamble-less file
    }

    [Fact]
    public void CtSliceIsRescaledToHounsfieldWithLpsGeometry()
    {
        using var scope = DisposeScope.Open();
        using var img = ImageReader.Read(File("CT_small.dcm"));
        Assert.Equal(new long[] { 1, 128, 128 }, img.Data.Shape);
        Assert.Equal(DType.Float32, img.Data.DType);
        Assert.Equal(G.Value("CT_small.rescaled_sum"), img.Data.To(DType.Float64).Sum().ToDouble(), 1e-3);
        var m = img.Meta;
        Assert.Equal(2, m.SpatialDims);
        Assert.Equal(CoordinateSpace.LPS, m.Space);
        var ps = Doubles("CT_small.PixelSpacing");
        Assert.Equal(new[] { ps[0], ps[1] }, m.Spacing);
        var ipp = Doubles("CT_small.ImagePositionPatient");
        AssertClose(ipp, m.Origin);
        var iop = Doubles("CT_small.ImageOrientationPatient");
        // i axis (W) = row cosine * column spacing; j axis (H) = column cosine * row spacing.
        AssertClose([iop[0] * ps[1], iop[1] * ps[1], iop[2] * ps[1]], [m.Affine[0], m.Affine[4], m.Affine[8]]);
        AssertClose([iop[3] * ps[0], iop[4] * ps[0], iop[5] * ps[0]], [m.Affine[1], m.Affine[5], m.Affine[9]]);
        Assert.Equal("CT", m.Modality);
        Assert.Equal(-1024, m.RescaleIntercept);
        Assert.Equal(16, m.BitsStored);
        Assert.Equal("gray", m.ColorSpace);
    }

    [Fact]
    public void MrWithoutRescaleKeepsItsDtypeAndWindow()
    {
        using var scope = DisposeScope.Open();
        using var img = ImageReader.Read(File("MR_small.dcm"));
        Assert.Equal(DType.Int16, img.Data.DType);
        Assert.Equal(G.Value("MR_small.sum"), img.Data.To(DType.Float64).Sum().ToDouble());
        Assert.Equal(600, img.Meta.WindowCenter);
        Assert.Equal(1600, img.Meta.WindowWidth);
    }

    [Fact]
    public void RgbFileIsChannelFirst()
    {
        using var scope = DisposeScope.Open();
        using var img = ImageReader.Read(File("SC_rgb_small_odd.dcm"));
        Assert.Equal(new long[] { 3, 3, 3 }, img.Data.Shape);
        Assert.Equal("rgb", img.Meta.ColorSpace);
        var raw = Torch.Vision.DicomFile.Read(File("SC_rgb_small_odd.dcm")).Pixels; // [1, H, W, S]
        // channel c of pixel (y, x) is sample c of that pixel
        Assert.Equal(raw.Select(3, 1).Select(0, 0).ToArray<byte>(), img.Data.Select(0, 1).ToArray<byte>());
    }

    [Fact]
    public void MultiFrameRtDoseIsAnLpsVolumeInGray()
    {
        using var scope = DisposeScope.Open();
        using var img = ImageReader.Read(File("rtdose.dcm"));
        Assert.Equal(new long[] { 1, 15, 10, 10 }, img.Data.Shape);
        Assert.Equal(3, img.Meta.SpatialDims);
        Assert.Equal(CoordinateSpace.LPS, img.Meta.Space);
        AssertClose([5, 10, 10], img.Meta.Spacing, 1e-9);
        AssertClose([0, 0, 5], [img.Meta.Affine[2], img.Meta.Affine[6], img.Meta.Affine[10]], 1e-9);
        AssertClose(Doubles("rtdose.ImagePositionPatient"), img.Meta.Origin);
        Assert.Equal(DType.Float32, img.Data.DType);
        Assert.Equal(G.Value("rtdose.sum") * G.Value("rtdose.DoseGridScaling"), img.Data.To(DType.Float64).Sum().ToDouble(), 1e-3);
    }

    [Fact]
    public void MultiFrameWithoutPositionsStacksFramesAlongD()
    {
        using var scope = DisposeScope.Open();
        using var img = ImageReader.Read(File("SC_rgb_rle_2frame.dcm"));
        Assert.Equal(new long[] { 3, 2, 100, 100 }, img.Data.Shape);
        Assert.Equal(CoordinateSpace.Pixel, img.Meta.Space);
        Assert.Equal(G.Value("SC_rgb_rle_2frame.sum"), img.Data.To(DType.Float64).Sum().ToDouble());
    }

    [Fact]
    public void SeriesIsSortedAlongTheNormalWithSpacingFromPositions()
    {
        using var scope = DisposeScope.Open();
        using var img = ImageReader.Read(Series("dicom_series"));
        TensorAssert.Close(G.Tensor("series.volume"), img.Data, 0, 0);
        var m = img.Meta;
        AssertClose(Doubles("series.spacing"), m.Spacing, 1e-5);
        AssertClose(Doubles("series.affine"), m.Affine, 1e-5);
        Assert.Equal(CoordinateSpace.LPS, m.Space);
        Assert.Equal(3, m.SpatialDims);
        Assert.Equal(2, m.RescaleSlope);
        Assert.Equal(-1024, m.RescaleIntercept);
        Assert.Equal(12, m.BitsStored);
        Assert.Equal(40, m.WindowCenter);
        Assert.Equal(Series("dicom_series"), m.SourcePath);
    }

    [Fact]
    public void SeveralSeriesNeedAChosenUid()
    {
        using var scope = DisposeScope.Open();
        var folder = Series("dicom_series_two");
        var e = Assert.Throws<ImageReadException>(() => ImageReader.Read(folder));
        Assert.Equal(folder, e.Path);
        Assert.Contains("2 series", e.Reason);
        Assert.DoesNotContain(G.RawValue("series.uid_a").GetString()!, e.Message);
        Assert.Equal(2, DicomSeriesReader.SeriesUids(folder).Count);
        using var b = new DicomSeriesReader(G.RawValue("series.uid_b").GetString()).Read(folder);
        TensorAssert.Close(G.Tensor("series_b.volume"), b.Data, 0, 0);
        AssertClose([4, 0.8, 0.6], b.Meta.Spacing, 1e-5);
    }

    [Theory]
    [InlineData("dicom_series_missing", "inconsistent slice spacing")]
    [InlineData("dicom_series_mixed", "different orientations")]
    [InlineData("dicom_series_sizes", "different sizes")]
    public void BadSeriesNameTheFolderAndTheProblem(string name, string reason)
    {
        using var scope = DisposeScope.Open();
        var folder = Series(name);
        var e = Assert.Throws<ImageReadException>(() => ImageReader.Read(folder));
        Assert.Equal(folder, e.Path);
        Assert.Contains(reason, e.Reason);
        Assert.StartsWith(folder, e.Message);
    }

    [Fact]
    public void TruncatedAndPixellessFilesAreImageReadExceptions()
    {
        using var scope = DisposeScope.Open();
        var e1 = Assert.Throws<ImageReadException>(() => ImageReader.Read(File("rtplan.dcm")));
        Assert.Contains("no pixel data", e1.Reason);
        Assert.Equal(File("rtplan.dcm"), e1.Path);
        var e2 = Assert.Throws<ImageReadException>(() => ImageReader.Read(File("MR_truncated.dcm")));
        Assert.Equal(File("MR_truncated.dcm"), e2.Path);

        var temp = Directory.CreateTempSubdirectory("medlearn-dicom-");
        try
        {
            var bytes = System.IO.File.ReadAllBytes(File("CT_small.dcm"));
            // Only a cut inside the file meta header: Debian's GDCM 3.0 is built with assertions, and some cuts inside
            // the dataset abort the process (see the report / known limitations).
            foreach (var cut in new[] { 100 })
            {
                var path = Path.Combine(temp.FullName, $"cut{cut}.dcm");
                System.IO.File.WriteAllBytes(path, bytes[..cut]);
                var e = Assert.Throws<ImageReadException>(() => ImageReader.Read(path));
                Assert.Equal(path, e.Path);
                Assert.DoesNotContain("CompressedSamples", e.Message);   // CT_small's PatientName
            }
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Fact]
    public void PatientIdentifiersNeverReachMetadataOrErrors()
    {
        using var scope = DisposeScope.Open();
        var name = G.RawValue("series.patient_name").GetString()!;
        var id = G.RawValue("series.patient_id").GetString()!;
        var secrets = new[] { name, name.Split('^')[0], name.Split('^')[1], id };
        using var img = ImageReader.Read(Series("dicom_series"));
        using var slice = ImageReader.Read(Directory.GetFiles(Series("dicom_series"))[0]);
        var texts = new List<string> { img.Meta.ToString(), slice.Meta.ToString(), img.Meta.Modality ?? "", img.Meta.ColorSpace };
        foreach (var bad in new[] { "dicom_series_missing", "dicom_series_mixed", "dicom_series_sizes", "dicom_series_two" })
            texts.Add(Assert.Throws<ImageReadException>(() => ImageReader.Read(Series(bad))).ToString());
        foreach (var t in texts)
            foreach (var s in secrets)
                Assert.DoesNotContain(s, t);
    }

    [Fact]
    public void WindowMapsCentreAndWidthToUnitRange()
    {
        using var scope = DisposeScope.Open();
        var x = torch.FromArray(new[] { -1000f, -160.5f, 40f, 239.5f, 1000f });
        var y = DicomWindow.Apply(x, 40, 400).ToArray<float>();
        Assert.Equal(0f, y[0]);
        Assert.Equal(1f, y[4]);
        Assert.Equal(0.5 + 0.5 / 399, y[2], 6);
        Assert.Equal(0.0, y[1], 6);
        Assert.Equal(1.0, y[3], 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => DicomWindow.Apply(x, 0, 0.5));
        using var mr = ImageReader.Read(File("MR_small.dcm"));
        var w = DicomWindow.Apply(mr);
        Assert.Equal(mr.Data.Shape, w.Shape);
        Assert.True(w.Min().ToDouble() >= 0 && w.Max().ToDouble() <= 1);
    }
}
