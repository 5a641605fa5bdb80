using System.Buffers.Binary;
using System.IO.Compression;
using FsCheck;
using FsCheck.Fluent;
using MedLearn.Data;
using MedLearn.Data.Readers;
using MedLearn.Torch;
using static MedLearn.Tests.Readers.ReaderTestFiles;

namespace MedLearn.Tests.Readers;

public class NiftiReaderTests
{
    [Theory]
    [InlineData("anatomical.nii")]            // big-endian int16, sform/qform code 2
    [InlineData("example4d.nii.gz")]          // gzip, 4-D -> 2 channels
    [InlineData("example_nifti2.nii.gz")]     // NIfTI-2
    [InlineData("functional.nii")]            // 20 time points
    [InlineData("reoriented_anat_moved.nii")] // big-endian float32
    [InlineData("resampled_anat_moved.nii")]
    [InlineData("standard.nii.gz")]           // uint8, sform only
    public void MatchesNibabel(string name)
    {
        using var scope = DisposeScope.Open();
        var k = Key(name);
        var path = Nb(name);
        Assert.IsType<NiftiReader>(ImageReader.ReaderFor(path));
        using var img = ImageReader.Read(path);
        Assert.Equal(Doubles(Gold.RawValue(k + ".shape")).Select(v => (long)v).ToArray(), img.Data.Shape);
        Assert.Equal(Gold.RawValue(k + ".dtype").GetString(), img.Data.DType.ToString().ToLowerInvariant());
        Assert.Equal(3, img.Meta.SpatialDims);
        Assert.Equal(CoordinateSpace.RAS, img.Meta.Space);
        Assert.Equal(path, img.Meta.SourcePath);
        var affine = Doubles(Gold.RawValue(k + ".affine"));
        for (var i = 0; i < 16; i++) Assert.Equal(affine[i], img.Meta.Affine[i], 4);
        var zooms = Doubles(Gold.RawValue(k + ".zooms"));
        Assert.Equal(zooms.Reverse().ToArray(), img.Meta.Spacing);
        var (sum, sumSq, nans) = Checksums(img.Data);
        Assert.Equal((long)Gold.Value(k + ".nans"), nans);
        var scale = Doubles(Gold.RawValue(k + ".scale"));
        Assert.Equal(scale[0] == 1 && scale[1] == 0 ? 1 : scale[0], img.Meta.RescaleSlope, 6);
        // Integer data: exact. Float data: summation order differs; rescaled data is float32 (nibabel: float64).
        var rtol = img.Data.DType.IsFloatingPoint() ? (img.Meta.RescaleSlope != 1 ? 1e-6 : 1e-12) : 0;
        AssertClose(Gold.Value(k + ".sum"), sum, rtol);
        AssertClose(Gold.Value(k + ".sumsq"), sumSq, rtol);
        foreach (var p in Gold.RawValue(k + ".probes").EnumerateArray())
        {
            var v = Doubles(p);
            AssertClose(v[4], At(img.Data, (long)v[0], (long)v[1], (long)v[2], (long)v[3]), rtol);
        }
    }

    private static void AssertClose(double expected, double actual, double rtol)
    {
        if (double.IsNaN(expected)) Assert.True(double.IsNaN(actual), $"expected NaN, got {actual}");
        else Assert.True(Math.Abs(expected - actual) <= rtol * Math.Abs(expected), $"expected {expected}, got {actual} (rtol {rtol})");
    }

    private static byte[] Anatomical() => File.ReadAllBytes(Nb("anatomical.nii"));

    private static ImageReadException ReadFails(byte[] bytes, string ext = ".nii")
    {
        var dir = TempDir();
        var path = Path.Combine(dir, "bad" + ext);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ImageReadException>(() => new NiftiReader().Read(path));
        Assert.Equal(path, e.Path);
        Directory.Delete(dir, true);
        return e;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var ms = new MemoryStream();
        using (var z = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) z.Write(bytes);
        return ms.ToArray();
    }

    [Fact]
    public void TruncatedFilesAreRejected()
    {
        var bytes = Anatomical();
        Assert.Contains("truncated", ReadFails(bytes[..(bytes.Length - 100)]).Reason);
        Assert.Contains("truncated", ReadFails(bytes[..200]).Reason);
        var gz = File.ReadAllBytes(Nb("example4d.nii.gz"));
        ReadFails(gz[..(gz.Length / 2)], ".nii.gz");
        Assert.Contains("truncated", ReadFails(Gzip(bytes[..(bytes.Length - 10)]), ".nii.gz").Reason);
    }

    [Fact]
    public void VoxOffsetBeyondTheFileIsRejected()
    {
        var bytes = Anatomical(); // big-endian
        BinaryPrimitives.WriteSingleBigEndian(bytes.AsSpan(108), 1e9f);
        Assert.Contains("vox_offset", ReadFails(bytes).Reason);
    }

    [Fact]
    public void WrongDimsAreRejected()
    {
        var bytes = Anatomical();
        BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(42), 0); // dim[1] = 0
        Assert.Contains("dim[1]", ReadFails(bytes).Reason);
        bytes = Anatomical();
        BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(40), 9); // dim[0] = 9
        Assert.Contains("dim[0]", ReadFails(bytes).Reason);
        bytes = Anatomical();
        BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(42), 30000); // far more voxels than the file holds
        Assert.Contains("truncated", ReadFails(bytes).Reason);
    }

    [Fact]
    public void UnknownDatatypeIsRejected()
    {
        var bytes = Anatomical();
        BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(70), 999);
        Assert.Contains("datatype 999", ReadFails(bytes).Reason);
    }

    [Fact]
    public void RandomBytesAreRejected()
    {
        var bytes = new byte[1000];
        new Random(3).NextBytes(bytes);
        Assert.Contains("not a NIfTI", ReadFails(bytes).Reason);
        ReadFails(bytes, ".nii.gz");
    }

    /// <summary>Random and mutated headers never give anything but ImageReadException (or a valid image).</summary>
    [Fact]
    public void FuzzedHeadersOnlyEverThrowImageReadException()
    {
        var seeds = new[] { Anatomical(), File.ReadAllBytes(Nb("standard.nii.gz")) };
        var nifti2 = DecompressedNifti2();
        var dir = TempDir();
        var path = Path.Combine(dir, "fuzz.nii");
        // A mutation: which seed file, then up to 8 (offset, byte) edits inside the header, optionally a cut.
        var edit = Gen.Choose(0, 539).SelectMany(o => Gen.Choose(0, 255), (o, v) => (Offset: o, Value: (byte)v));
        var gen = Gen.Choose(0, 2).SelectMany(s => Gen.ArrayOf(edit).Select(e => e.Take(8).ToArray()),
                (s, e) => (Seed: s, Edits: e))
            .SelectMany(x => Gen.Choose(0, 100), (x, cut) => (x.Seed, x.Edits, Cut: cut));
        var prop = Prop.ForAll(Arb.From(gen), t =>
        {
            var src = t.Seed switch { 0 => seeds[0], 1 => Decompress(seeds[1]), _ => nifti2 };
            var bytes = (byte[])src.Clone();
            foreach (var (o, v) in t.Edits)
                if (o < bytes.Length) bytes[o] = v;
            if (t.Cut < 20) bytes = bytes[..(bytes.Length * t.Cut / 20)];
            File.WriteAllBytes(path, bytes);
            using var scope = DisposeScope.Open();
            try
            {
                new NiftiReader().Read(path).Dispose();
            }
            catch (ImageReadException e)
            {
                Assert.Equal(path, e.Path);
            }
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(400), prop);
        Directory.Delete(dir, true);
    }

    private static byte[] Decompress(byte[] gz)
    {
        using var z = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        z.CopyTo(ms);
        return ms.ToArray();
    }

    private static byte[] DecompressedNifti2() => Decompress(File.ReadAllBytes(Nb("example_nifti2.nii.gz")));
}
