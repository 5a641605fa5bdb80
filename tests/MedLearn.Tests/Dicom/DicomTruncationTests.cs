using System.Diagnostics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using MedLearn.Data;
using MedLearn.Data.Readers;
using MedLearn.Torch;
using MedLearn.Torch.Vision;
using Xunit.Abstractions;
using static MedLearn.Tests.Dicom.DicomTestData;

namespace MedLearn.Tests.Dicom;

/// <summary>
/// Truncated and corrupted DICOM files must give <see cref="ImageReadException"/> (or, when the cut removes nothing
/// meaningful, the untruncated pixels): never a process abort (Debian's GDCM asserts) nor silently padded pixels.
/// </summary>
public class DicomTruncationTests(ITestOutputHelper output)
{
    public static TheoryData<string> Files() =>
    [
        "CT_small.dcm",            // explicit VR little endian
        "MR_small_RLE.dcm",        // encapsulated (RLE)
        "JPEG2000.dcm",            // encapsulated (JPEG 2000)
        "image_dfl.dcm",           // deflated explicit VR little endian
        "MR_small_implicit.dcm",   // implicit VR little endian
        "MR_small_bigendian.dcm",  // explicit VR big endian
    ];

    private static double[] Pixels(MedicalImage image) => image.Data.To(DType.Float64).Reshape(-1).ToArray<double>();

    [Theory]
    [MemberData(nameof(Files))]
    public void TruncatedFilesThrowOrReadTheSamePixels(string name)
    {
        using var scope = DisposeScope.Open();
        var bytes = System.IO.File.ReadAllBytes(File(name));
        var reference = ImageReader.Read(File(name));
        var refShape = reference.Data.Shape;
        var refPixels = Pixels(reference);

        var cuts = new SortedSet<int> { 700, bytes.Length - 10 };
        for (var c = 1; c < bytes.Length; c += 97) cuts.Add(c);
        for (var k = 1; k <= 16; k++) cuts.Add(bytes.Length - k);

        var temp = Directory.CreateTempSubdirectory("medlearn-dicom-cut-");
        int rejected = 0, same = 0;
        try
        {
            foreach (var cut in cuts)
            {
                var path = Path.Combine(temp.FullName, $"cut{cut}.dcm");
                System.IO.File.WriteAllBytes(path, bytes[..cut]);
                using var inner = DisposeScope.Open();
                MedicalImage image;
                try
                {
                    image = ImageReader.Read(path);
                }
                catch (ImageReadException e)
                {
                    Assert.Equal(path, e.Path);
                    Assert.DoesNotContain("CompressedSamples", e.Message);   // CT_small's PatientName
                    rejected++;
                    continue;
                }
                Assert.True(refShape.SequenceEqual(image.Data.Shape), $"cut at {cut} of {bytes.Length}: shape differs");
                Assert.True(refPixels.AsSpan().SequenceEqual(Pixels(image)), $"cut at {cut} of {bytes.Length}: pixels differ");
                same++;
            }
        }
        finally
        {
            temp.Delete(true);
        }
        output.WriteLine($"{name}: {cuts.Count} cuts, {rejected} rejected, {same} read with the untruncated pixels");
        Assert.True(rejected > cuts.Count / 2, $"{name}: only {rejected} of {cuts.Count} cuts rejected");
    }

    [Theory]
    // A wrong VR on ImagePositionPatient: caught by the managed check before GDCM's typed accessor asserts.
    [InlineData(0x00200032, "US", "has VR US where the standard requires DS")]
    // An unknown VR in the File Meta group made GDCM assert and abort(). The managed walk now reads an unknown VR
    // as GDCM does (2 reserved bytes + 4-byte length, issue 12), so the garbage length is refused before GDCM.
    [InlineData(0x00020010, "XX", "truncated: element (0002,0010)")]
    public void WrongVrsThatMadeGdcmAbortAreImageReadExceptions(uint tag, string vr, string reason)
    {
        using var scope = DisposeScope.Open();
        var bytes = System.IO.File.ReadAllBytes(File("CT_small.dcm"));
        byte[] needle = [(byte)(tag >> 16), (byte)(tag >> 24), (byte)tag, (byte)(tag >> 8)];
        var at = bytes.AsSpan().IndexOf(needle);
        Assert.True(at > 0);
        Encoding.ASCII.GetBytes(vr).CopyTo(bytes, at + 4);
        var temp = Directory.CreateTempSubdirectory("medlearn-dicom-vr-");
        try
        {
            var path = Path.Combine(temp.FullName, "bad_vr.dcm");
            System.IO.File.WriteAllBytes(path, bytes);
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var e = Assert.Throws<ImageReadException>(() => new DicomReader().Read(path));
                Assert.Contains(reason, e.Reason);
            }
            // GDCM still works for good files afterwards.
            using var good = new DicomReader().Read(File("CT_small.dcm"));
            Assert.Equal(new long[] { 1, 128, 128 }, good.Data.Shape);
        }
        finally
        {
            temp.Delete(true);
        }
    }

    [Fact]
    public void CutsAt700AndTenBeforeTheEndOfCtSmallAreImageReadExceptions()
    {
        // Both aborted the process in GDCM's assertions before the managed check (CT_small ends with trailing padding).
        using var scope = DisposeScope.Open();
        var bytes = System.IO.File.ReadAllBytes(File("CT_small.dcm"));
        var temp = Directory.CreateTempSubdirectory("medlearn-dicom-cut-");
        try
        {
            foreach (var (cut, reason) in new[] { (700, "truncated"), (bytes.Length - 10, "(FFFC,FFFC)") })
            {
                var path = Path.Combine(temp.FullName, $"cut{cut}.dcm");
                System.IO.File.WriteAllBytes(path, bytes[..cut]);
                var e = Assert.Throws<ImageReadException>(() => new DicomReader().Read(path));
                Assert.Equal(path, e.Path);
                Assert.Contains(reason, e.Reason);
                Assert.StartsWith(path, e.Message);
                var d = Assert.Throws<DicomReadException>(() => DicomFile.Read(path));
                Assert.Equal(path, d.Path);
            }
        }
        finally
        {
            temp.Delete(true);
        }
    }

    [Fact]
    public void ATruncatedSliceInASeriesFolderIsAnImageReadExceptionNamingIt()
    {
        using var scope = DisposeScope.Open();
        var temp = Directory.CreateTempSubdirectory("medlearn-dicom-series-");
        try
        {
            foreach (var f in Directory.EnumerateFiles(Series("dicom_series")))
                System.IO.File.Copy(f, Path.Combine(temp.FullName, Path.GetFileName(f)));
            var victim = Directory.EnumerateFiles(temp.FullName).Order(StringComparer.Ordinal).ElementAt(1);
            var bytes = System.IO.File.ReadAllBytes(victim);
            System.IO.File.WriteAllBytes(victim, bytes[..(bytes.Length / 2)]);
            var e = Assert.Throws<ImageReadException>(() => ImageReader.Read(temp.FullName));
            Assert.Equal(victim, e.Path);
            Assert.Contains("truncated", e.Reason);
        }
        finally
        {
            temp.Delete(true);
        }
    }

    [Fact]
    public void MutatedHeaderBytesThrowOrRead()
    {
        var original = System.IO.File.ReadAllBytes(File("CT_small.dcm"));
        var pixelStart = original.AsSpan().IndexOf(new byte[] { 0xE0, 0x7F, 0x10, 0x00 });
        Assert.True(pixelStart > 0);
        var temp = Directory.CreateTempSubdirectory("medlearn-dicom-fuzz-");
        var path = Path.Combine(temp.FullName, "mutated.dcm");
        int rejected = 0, read = 0;
        try
        {
            // 1 to 8 (offset, byte) mutations inside the header (preamble, meta group and dataset up to the pixel data tag).
            var mutation = Gen.Zip(Gen.Choose(0, pixelStart + 11), Gen.Choose(0, 255));
            var arb = Gen.ArrayOf(mutation).Where(m => m.Length is >= 1 and <= 8).ToArbitrary();
            Prop.ForAll(arb, mutations =>
            {
                var bytes = (byte[])original.Clone();
                foreach (var (at, value) in mutations) bytes[at] = (byte)value;
                System.IO.File.WriteAllBytes(path, bytes);
                using var scope = DisposeScope.Open();
                try
                {
                    ImageReader.Read(path);
                    read++;
                }
                catch (ImageReadException)
                {
                    rejected++;
                }
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
        }
        finally
        {
            temp.Delete(true);
        }
        output.WriteLine($"{rejected} mutated files rejected, {read} read");
    }

    // A tiny explicit VR little endian file: meta group, a sequence of undefined length holding an item of undefined
    // length (with a nested sequence of undefined length) and an item of defined length, image tags, native pixels.
    private static (byte[] Bytes, int[] TopLevelBoundaries) HandBuilt(ushort rows = 2)
    {
        var b = new List<byte>();
        var boundaries = new List<int>();
        void U16(int v) { b.Add((byte)v); b.Add((byte)(v >> 8)); }
        void U32(uint v) { U16((int)(v & 0xFFFF)); U16((int)(v >> 16)); }
        void Tag(int g, int e) { U16(g); U16(e); }
        void Short(int g, int e, string vr, byte[] value) { Tag(g, e); b.AddRange(Encoding.ASCII.GetBytes(vr)); U16(value.Length); b.AddRange(value); }
        void Long(int g, int e, string vr, uint length) { Tag(g, e); b.AddRange(Encoding.ASCII.GetBytes(vr)); U16(0); U32(length); }
        void Item(uint length) { Tag(0xFFFE, 0xE000); U32(length); }
        void ItemEnd() { Tag(0xFFFE, 0xE00D); U32(0); }
        void SeqEnd() { Tag(0xFFFE, 0xE0DD); U32(0); }
        byte[] Us(int v) => [(byte)v, (byte)(v >> 8)];

        b.AddRange(new byte[128]);
        b.AddRange("DICM"u8.ToArray());
        Short(0x0002, 0x0010, "UI", Encoding.ASCII.GetBytes("1.2.840.10008.1.2.1\0"));
        boundaries.Add(b.Count);
        Short(0x0008, 0x0060, "CS", "OT"u8.ToArray());
        boundaries.Add(b.Count);
        Long(0x0008, 0x1140, "SQ", 0xFFFFFFFF);
        Item(0xFFFFFFFF);
        Short(0x0008, 0x1150, "UI", "1.2\0"u8.ToArray());
        Long(0x0040, 0xA730, "SQ", 0xFFFFFFFF);
        Item(0xFFFFFFFF);
        Short(0x0040, 0xA040, "CS", "TEXT"u8.ToArray());
        ItemEnd();
        SeqEnd();
        ItemEnd();
        Item(12);
        Short(0x0008, 0x1155, "UI", "1.2\0"u8.ToArray());
        SeqEnd();
        boundaries.Add(b.Count);
        Short(0x0028, 0x0010, "US", Us(rows));
        boundaries.Add(b.Count);
        Short(0x0028, 0x0011, "US", Us(2));
        boundaries.Add(b.Count);
        Short(0x0028, 0x0100, "US", Us(8));
        boundaries.Add(b.Count);
        Long(0x7FE0, 0x0010, "OB", 4);
        b.AddRange(new byte[] { 1, 2, 3, 4 });
        return ([.. b], [.. boundaries]);
    }

    [Fact]
    public void WalkerAcceptsTheHandBuiltFileAndRejectsEveryTruncation()
    {
        var (bytes, boundaries) = HandBuilt();
        Assert.Equal("1.2.840.10008.1.2.1", DicomStructure.Validate(bytes));
        var accepted = new List<int>();
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            try
            {
                DicomStructure.Validate(bytes.AsSpan(0, cut));
                accepted.Add(cut);
            }
            catch (DicomReadException e)
            {
                Assert.NotEmpty(e.Message);
                Assert.DoesNotContain("TEXT", e.Message);
            }
        }
        // A cut exactly between two top-level elements leaves a well-formed (if incomplete) dataset: structure alone
        // cannot tell, and GDCM then reports the missing pixel data. Every other cut is rejected.
        Assert.Equal(boundaries.Skip(1), accepted);
    }

    [Fact]
    public void WalkerRejectsShortNativePixelData()
    {
        var (bytes, _) = HandBuilt(rows: 3);
        var e = Assert.Throws<DicomReadException>(() => DicomStructure.Validate(bytes));
        Assert.Equal(DicomErrorKind.DecodeFailed, e.Kind);
        Assert.Contains("holds 4 bytes", e.Message);
        Assert.Contains("need 6", e.Message);
    }

    [Fact]
    public void WalkerRejectsAMissingSequenceDelimiterAndDeepNesting()
    {
        var (bytes, bounds) = HandBuilt();
        var seqEnd = bytes.AsSpan().IndexOf(new byte[] { 0xFE, 0xFF, 0xDD, 0xE0 });
        var broken = (byte[])bytes.Clone();
        broken[seqEnd + 2] = 0x0D;   // the nested sequence's delimiter becomes an item delimiter
        Assert.Throws<DicomReadException>(() => DicomStructure.Validate(broken));

        // 100 nested sequences of undefined length, properly closed: refused by depth, not by a stack overflow.
        var b = new List<byte>(bytes[..bounds[0]]);
        var head = new byte[] { 0x08, 0x00, 0x40, 0x11, (byte)'S', (byte)'Q', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF };
        var tail = new byte[] { 0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0, 0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0 };
        for (var i = 0; i < 100; i++) b.AddRange(head);
        for (var i = 0; i < 100; i++) b.AddRange(tail);
        var deep = Assert.Throws<DicomReadException>(() => DicomStructure.Validate(b.ToArray()));
        Assert.Contains("nested deeper", deep.Message);
    }

    [Theory]
    [MemberData(nameof(DicomFileTests.Files), MemberType = typeof(DicomFileTests))]
    [InlineData("rtplan.dcm")]
    [InlineData("ExplVR_BigEndNoMeta.dcm")]
    [InlineData("ExplVR_LitEndNoMeta.dcm")]
    [InlineData("UN_sequence.dcm")]
    [InlineData("nested_priv_SQ.dcm")]
    [InlineData("MR_small_padded.dcm")]
    public void WalkerAcceptsValidFiles(string name) => DicomStructure.Validate(System.IO.File.ReadAllBytes(File(name)));

    [Fact]
    public void WalkTimeOnCtSmall()
    {
        var bytes = System.IO.File.ReadAllBytes(File("CT_small.dcm"));
        for (var i = 0; i < 200; i++) DicomStructure.Validate(bytes);
        const int n = 5000;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < n; i++) DicomStructure.Validate(bytes);
        sw.Stop();
        var us = sw.Elapsed.TotalMicroseconds / n;
        output.WriteLine($"CT_small.dcm ({bytes.Length} bytes): {us:F2} us per walk");
        Assert.True(us < 2000, $"walk takes {us} us");
    }
}
