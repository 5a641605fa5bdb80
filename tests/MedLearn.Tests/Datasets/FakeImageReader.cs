using System.Text;
using MedLearn.Data;
using MedLearn.Data.Readers;
using MedLearn.Torch;

namespace MedLearn.Tests.Datasets;

/// <summary>
/// Test-only image format ".fimg": magic "MLFAKE01", int32 rank, int64 shape[rank] (channel-first), float32 data.
/// Registered once with <see cref="ImageReader"/>; a file with the magic but too few bytes fails with an
/// <see cref="ImageReadException"/> like a truncated real image.
/// </summary>
public sealed class FakeImageReader : IImageReader
{
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("MLFAKE01");
    private static int s_registered;

    /// <summary>Registers the reader with the registry (idempotent).</summary>
    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 0) ImageReader.Register(new FakeImageReader());
    }

    public string Name => "fake test images (.fimg)";

    public bool CanRead(string path, ReadOnlySpan<byte> header) => header.StartsWith(Magic);

    public MedicalImage Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            var offset = Magic.Length;
            var rank = BitConverter.ToInt32(bytes, offset);
            offset += 4;
            if (rank is < 3 or > 4) throw new ImageReadException(path, $"bad rank {rank}");
            var shape = new long[rank];
            for (var i = 0; i < rank; i++, offset += 8) shape[i] = BitConverter.ToInt64(bytes, offset);
            var n = shape.Aggregate(1L, (a, b) => a * b);
            if (bytes.Length - offset < n * 4) throw new ImageReadException(path, "truncated pixel data");
            var data = new float[n];
            Buffer.BlockCopy(bytes, offset, data, 0, (int)n * 4);
            using var scope = DisposeScope.Open();
            var t = torch.FromArray(data, shape);
            return new MedicalImage(t, new ImageMeta { SourcePath = path, SpatialDims = rank - 1, Spacing = [.. Enumerable.Repeat(1.0, rank - 1)] });
        }
        catch (ArgumentException e)
        {
            throw new ImageReadException(path, "truncated header", e);
        }
    }

    /// <summary>Writes a fake image of <paramref name="shape"/> filled with <paramref name="value"/> + element index / 1000.</summary>
    public static string Write(string path, long[] shape, float value = 0)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = File.Create(path);
        using var w = new BinaryWriter(stream);
        w.Write(Magic);
        w.Write(shape.Length);
        foreach (var s in shape) w.Write(s);
        var n = shape.Aggregate(1L, (a, b) => a * b);
        for (var i = 0; i < n; i++) w.Write(value + i / 1000f);
        return path;
    }

    /// <summary>Writes a file with the magic but no data (reading it fails with "truncated").</summary>
    public static string WriteCorrupt(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [.. Magic, 3, 0, 0, 0, 1]);
        return path;
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        FakeImageReader.EnsureRegistered();
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "medlearn-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    /// <summary>Writes a tiny [1, 2, 2] fake image at <paramref name="relative"/>.</summary>
    public string Image(string relative, float value = 0, long[]? shape = null) =>
        FakeImageReader.Write(this[relative], shape ?? [1, 2, 2], value);

    public string Text(string relative, string content)
    {
        var p = this[relative];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(p)!);
        File.WriteAllText(p, content);
        return p;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
