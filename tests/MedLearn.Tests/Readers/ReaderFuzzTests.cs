using System.Runtime.InteropServices;
using MedLearn.Data.Readers;
using MedLearn.Torch;
using static MedLearn.Tests.Readers.ReaderRegressionTests;

namespace MedLearn.Tests.Readers;

/// <summary>
/// Seeded mutations of small valid PNG / JPEG / TIFF / DICOM / NIfTI files (tools/golden/gen_readers_regressions.py):
/// every read either succeeds or throws <see cref="ImageReadException"/> naming the file; nothing crashes, nothing
/// reaches stderr, and the process's peak resident memory stays within a bound set by the reader limits.
/// </summary>
public class ReaderFuzzTests
{
    private static readonly string[] s_seeds = ["seed.png", "seed.jpg", "seed.tif", "seed.dcm", "seed.nii", "seed.nii.gz", "ybr_full.dcm", "bits12_signed_be.dcm"];

    [Fact]
    public void MutatedFilesAreReadOrRefusedNamingTheFile()
    {
        var options = new ImageReadOptions { MaxPixels = 1 << 20, MaxDecodedBytes = 16L << 20 };
        var dir = ReaderTestFiles.TempDir();
        var rng = new Random(1212);
        var (read, refused) = (0, 0);
        var baseline = ResetPeakRss();
        using (var _ = StderrProbe.Start(out var probe))
        {
            for (var i = 0; i < 400; i++)
            {
                var seed = s_seeds[i % s_seeds.Length];
                var bytes = Mutate(File.ReadAllBytes(R(seed)), rng);
                var path = Path.Combine(dir, $"fuzz{i:D3}_{seed}");
                File.WriteAllBytes(path, bytes);
                try
                {
                    using var scope = DisposeScope.Open();
                    using var image = ImageReader.Read(path, options);
                    read++;
                }
                catch (ImageReadException e)
                {
                    refused++;
                    Assert.StartsWith(path, e.Message);
                    Assert.False(string.IsNullOrWhiteSpace(e.Reason), $"{path}: empty reason");
                }
                File.Delete(path);
            }
            Assert.Equal("", probe.Finish());
        }
        Directory.Delete(dir, true);
        Assert.True(read > 20 && refused > 20, $"the mutations should give both outcomes: {read} read, {refused} refused");
        var peak = PeakRss();
        if (baseline > 0 && peak > 0)
            Assert.True(peak - baseline <= 4 * options.MaxDecodedBytes + (96L << 20),
                $"peak RSS grew by {(peak - baseline) >> 20} MB during the fuzz run (limit {options.MaxDecodedBytes >> 20} MB decoded)");
    }

    [Fact]
    public void NativeDecodersNeverWriteToStderr()
    {
        // Before issue 12 these printed: OpenJPEG ("Invalid number of tiles"), libjpeg in GDCM ("Unsupported JPEG data
        // precision 12"), GDCM's assertion text (single-frame RT dose), libpng ("iCCP: known incorrect sRGB profile"),
        // OpenCV ("imdecode_(''): can't read data").
        string[] files =
        [
            R("JPEG2000-embedded-sequence-delimiter.dcm"), R("rtdose_1frame.dcm"),
            Path.Combine(Dicom.DicomTestData.PydicomDir, "JPGExtended.dcm"), Path.Combine(Dicom.DicomTestData.PydicomDir, "JPEG-lossy.dcm"),
            "/usr/lib/python3/dist-packages/skimage/data/multipage_rgb.tif",
            .. Directory.GetFiles("/usr/lib/python3/dist-packages/skimage/data", "*.png"),
        ];
        using (var _ = StderrProbe.Start(out var probe))
        {
            foreach (var f in files)
            {
                try
                {
                    using var image = ImageReader.Read(f);
                }
                catch (ImageReadException)
                {
                    // refusals are fine; printing is not
                }
            }
            Assert.Equal("", probe.Finish());
        }
    }

    private static byte[] Mutate(byte[] seed, Random rng)
    {
        var b = (byte[])seed.Clone();
        switch (rng.Next(5))
        {
            case 0: // flip a few bytes anywhere
                for (var k = rng.Next(1, 9); k > 0; k--) b[rng.Next(b.Length)] = (byte)rng.Next(256);
                return b;
            case 1: // a big number in the header area (sizes, lengths, offsets)
            {
                var at = rng.Next(Math.Min(b.Length - 4, 400));
                BitConverter.GetBytes(rng.Next(2) == 0 ? 0x7FFFFFF0 : rng.Next()).CopyTo(b, at);
                return b;
            }
            case 2: // truncated
                return b[..rng.Next(1, b.Length)];
            case 3: // a duplicated block
            {
                var start = rng.Next(b.Length);
                var len = rng.Next(1, Math.Min(64, b.Length - start) + 1);
                return [.. b[..(start + len)], .. b[start..]];
            }
            default: // zero a run
            {
                var start = rng.Next(b.Length);
                Array.Clear(b, start, Math.Min(rng.Next(1, 32), b.Length - start));
                return b;
            }
        }
    }

    /// <summary>Resets the kernel's peak-RSS mark (/proc/self/clear_refs = 5) and returns the current RSS in bytes (0 if unknown).</summary>
    private static long ResetPeakRss()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { return 0; } catch (UnauthorizedAccessException) { return 0; }
        return Status("VmRSS:");
    }

    private static long PeakRss() => Status("VmHWM:");

    private static long Status(string field)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
}

/// <summary>Points the process's stderr (fd 2) at a temp file for a test and restores it.</summary>
internal sealed partial class StderrProbe : IDisposable
{
    private readonly string _path = Path.GetTempFileName();
    private int _saved = -1;

    public static StderrProbe Start(out StderrProbe probe)
    {
        probe = new StderrProbe();
        var fd = Open(probe._path, 1 /* O_WRONLY */, 0);
        probe._saved = Dup(2);
        Dup2(fd, 2);
        Close(fd);
        return probe;
    }

    /// <summary>Restores stderr and returns what was written meanwhile.</summary>
    public string Finish()
    {
        if (_saved >= 0)
        {
            Dup2(_saved, 2);
            Close(_saved);
            _saved = -1;
        }
        return File.ReadAllText(_path);
    }

    public void Dispose()
    {
        Finish();
        File.Delete(_path);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "dup")]
    private static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "dup2")]
    private static partial int Dup2(int fd, int fd2);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
