using System.Text.Json;
using MedLearn.Data;
using MedLearn.Data.Readers;
using MedLearn.Data.Writers;
using MedLearn.Torch;
using MedLearn.Torch.Tests;
using static MedLearn.Tests.Readers.ReaderTestFiles;

namespace MedLearn.Tests.Readers;

public class NiftiWriterTests
{
    // A rotation about z by 90 degrees with zooms (2, 3, 4), a flip on k, and an offset: all float32-exact.
    private static readonly double[] s_affine = [0, -3, 0, 10.5, 2, 0, 0, -20.25, 0, 0, -4, 7, 0, 0, 0, 1];

    private static ImageMeta Meta() => new()
    {
        SpatialDims = 3, Spacing = [4, 3, 2], Affine = s_affine, Space = CoordinateSpace.RAS, BitsStored = 16,
    };

    private static Tensor Volume(DType dtype, long c = 2)
    {
        var n = c * 5 * 6 * 7;
        var values = Enumerable.Range(0, (int)n).Select(i => (double)((i * 37) % 251) - 100).ToArray();
        var t = torch.FromSpan<double>(values, [c, 5, 6, 7]);
        return dtype == DType.UInt8 ? (t + 100).To(dtype) : t.To(dtype);
    }

    [Theory]
    [InlineData(DType.Int16, ".nii")]
    [InlineData(DType.Float32, ".nii.gz")]
    [InlineData(DType.UInt8, ".nii")]
    [InlineData(DType.Int32, ".nii.gz")]
    [InlineData(DType.Float64, ".nii")]
    [InlineData(DType.Int64, ".nii")]
    public void RoundTripIsExact(DType dtype, string ext)
    {
        using var scope = DisposeScope.Open();
        var dir = TempDir();
        var path = Path.Combine(dir, "vol" + ext);
        var data = Volume(dtype);
        NiftiWriter.Write(data, Meta(), path);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        using var back = ImageReader.Read(path);
        Assert.Equal(data.Shape, back.Data.Shape);
        Assert.Equal(dtype, back.Data.DType);
        Assert.Equal(data.To(DType.Float64).ToArray<double>(), back.Data.To(DType.Float64).ToArray<double>());
        Assert.Equal(s_affine, back.Meta.Affine);
        Assert.Equal([4.0, 3, 2], back.Meta.Spacing);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void TwoDimensionalGrayRoundTrips()
    {
        using var scope = DisposeScope.Open();
        var dir = TempDir();
        var path = Path.Combine(dir, "slice.nii");
        var data = torch.Arange(0, 12, 1, DType.Int16).Reshape(1, 3, 4);
        NiftiWriter.Write(data, new ImageMeta(), path);
        using var back = ImageReader.Read(path);
        Assert.Equal(2, back.Meta.SpatialDims);
        Assert.Equal([1L, 3, 4], back.Data.Shape);
        Assert.Equal(data.ToArray<short>(), back.Data.ToArray<short>());
        Directory.Delete(dir, true);
    }

    [Fact]
    public void RereadingANibabelFileAndWritingItKeepsDataAndAffine()
    {
        using var scope = DisposeScope.Open();
        var dir = TempDir();
        using var src = ImageReader.Read(Nb("example4d.nii.gz"));
        var path = Path.Combine(dir, "copy.nii.gz");
        NiftiWriter.Write(src, path);
        using var back = ImageReader.Read(path);
        Assert.Equal(src.Data.ToArray<short>(), back.Data.ToArray<short>());
        for (var i = 0; i < 16; i++) Assert.Equal(src.Meta.Affine[i], back.Meta.Affine[i], 4);
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData(".nii")]
    [InlineData(".nii.gz")]
    public void NibabelReadsOurFiles(string ext)
    {
        using var scope = DisposeScope.Open();
        var dir = TempDir();
        var path = Path.Combine(dir, "for_nibabel" + ext);
        var data = Volume(DType.Int16, c: 3);
        NiftiWriter.Write(data, Meta(), path);
        var (code, stdout, stderr) = PythonOracle.RunScript(PythonOracle.RepoFile("tools/golden/check_nifti_nibabel.py"), null, path);
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var r = doc.RootElement;
        Assert.Equal([7.0, 6, 5, 3], Doubles(r.GetProperty("shape")));
        Assert.Equal("int16", r.GetProperty("dtype").GetString());
        Assert.Equal(s_affine, Doubles(r.GetProperty("affine")));
        var qform = Doubles(r.GetProperty("qform"));
        for (var i = 0; i < 16; i++) Assert.Equal(s_affine[i], qform[i], 5);
        Assert.Equal(1, r.GetProperty("qform_code").GetInt32());
        Assert.Equal([2.0, 3, 4], Doubles(r.GetProperty("zooms"))[..3]);
        var (sum, sumSq, _) = Checksums(data);
        Assert.Equal(sum, r.GetProperty("sum").GetDouble());
        Assert.Equal(sumSq, r.GetProperty("sumsq").GetDouble());
        var flat = data.Contiguous().ToArray<short>();
        Assert.Equal(flat[0], r.GetProperty("first").GetDouble());
        Assert.Equal(flat[^1], r.GetProperty("last").GetDouble());
        Directory.Delete(dir, true);
    }
}
