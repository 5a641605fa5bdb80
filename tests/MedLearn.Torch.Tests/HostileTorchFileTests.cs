using MedLearn.Torch.Serialization;

namespace MedLearn.Torch.Tests;

/// <summary>
/// Hostile PyTorch files: tiny files whose tensors claim huge element counts (stride-0 views, overflowing sizes,
/// storages smaller than their views) must neither allocate what they claim nor end in anything but a
/// <see cref="TorchFileException"/> naming the file. The files are crafted here byte by byte (the pickle torch.save
/// writes for <c>{'w': tensor}</c>), so each test controls every size, stride and element count.
/// </summary>
public sealed class HostileTorchFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("medlearn-hostile-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void TeraByteStrideZeroViewLoadsAsAViewOfItsOneElementStorage()
    {
        // A 2^20 x 2^20 float view of one element: 4 TiB if copied, 4 bytes as a view (what torch.load gives too).
        var path = Write("tera.pt", storageNumel: 1, storage: HostileTorchFiles.Floats(3.5f), offset: 0, size: [1L << 20, 1L << 20], stride: [0, 0]);
        Assert.True(new FileInfo(path).Length < 1024);
        var baseline = LeakCheck.Baseline();
        var (peakMb, _) = PeakDuring(() =>
        {
            using var scope = DisposeScope.Open();
            var t = LoadW(path);
            Assert.Equal([1L << 20, 1L << 20], t.Shape);
            Assert.Equal([0L, 0L], t.Strides);
            using var element = t.Select(0, 999_999).Select(0, 123_456);
            Assert.Equal(3.5, element.ToDouble());
        });
        Assert.True(peakMb < 64, $"loading a 644-byte file raised the peak RSS by {peakMb:F0} MB");
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void ModerateStrideZeroViewIsNotMaterialised()
    {
        // 8192 x 8192 floats (256 MiB) viewing one element: before, the reader copied it in full (+256 MB RSS).
        var path = Write("expanded.pt", storageNumel: 1, storage: HostileTorchFiles.Floats(-2f), offset: 0, size: [8192, 8192], stride: [0, 0]);
        var (peakMb, _) = PeakDuring(() =>
        {
            using var scope = DisposeScope.Open();
            var t = LoadW(path);
            Assert.Equal([0L, 0L], t.Strides);
            using var sum = t.Narrow(0, 0, 3).Narrow(1, 0, 5).Sum();
            Assert.Equal(-30.0, sum.ToDouble());
        });
        Assert.True(peakMb < 64, $"peak RSS rose by {peakMb:F0} MB");
    }

    [Fact]
    public void NonOverlappingTensorsAreStillOwnCopies()
    {
        // A transposed [2, 3] view of 6 floats: copied (its own memory, strides preserved), not a view.
        var path = Write("transposed.pt", storageNumel: 6, storage: HostileTorchFiles.Floats(0, 1, 2, 3, 4, 5), offset: 0, size: [3, 2], stride: [1, 3]);
        using var scope = DisposeScope.Open();
        var t = LoadW(path);
        Assert.Equal([1L, 3L], t.Strides);
        using var c = t.Contiguous();
        Assert.Equal([0f, 3f, 1f, 4f, 2f, 5f], c.ToArray<float>());
    }

    [Fact]
    public void ManyTensorsOverOneStorageDoNotMultiplyItsMemory()
    {
        // 300 keys each viewing the whole of one 1 MiB storage: 300 MiB if each were copied.
        const int keys = 300;
        const long numel = 1 << 18;
        var path = Path.Combine(_dir.FullName, "many.pt");
        var pickle = new List<byte> { 0x80, 0x02, (byte)'}' };
        for (var i = 0; i < keys; i++)
        {
            pickle.AddRange(HostileTorchFiles.Str($"w{i}"));
            pickle.AddRange(HostileTorchFiles.TensorPickle(numel, 0, [numel], [1]));
            pickle.Add((byte)'s');
        }
        pickle.Add((byte)'.');
        File.WriteAllBytes(path, HostileTorchFiles.ZipOf(("many/data.pkl", [.. pickle]), ("many/data/0", new byte[numel * 4])));
        var (peakMb, _) = PeakDuring(() =>
        {
            using var scope = DisposeScope.Open();
            var d = Assert.IsType<OrderedDictionary<object, object?>>(TorchFile.Load(path));
            Assert.Equal(keys, d.Count);
            Assert.All(d.Values, v => Assert.Equal([numel], Assert.IsType<Tensor>(v).Shape));
        });
        Assert.True(peakMb < 64, $"peak RSS rose by {peakMb:F0} MB for a 1 MiB storage (before: {MemoryTests.StatusMb("VmRSS")})");
    }

    [Theory]
    [InlineData("count", 1, new long[] { 1L << 40, 1L << 40 }, new long[] { 0, 0 }, 0L, "more elements than 64 bits can count")]
    [InlineData("span", 1, new long[] { 3 }, new long[] { 1L << 62 }, 0L, "needs 9223372036854775809")]
    [InlineData("offset", 4, new long[] { 2 }, new long[] { 1 }, long.MaxValue - 1, "needs 9223372036854775808")]
    [InlineData("short", 4, new long[] { 2, 3 }, new long[] { 3, 1 }, 0L, "holds 4 Float32 elements but a tensor of shape [2, 3]")]
    [InlineData("bytes", 1L << 62, new long[] { 1 }, new long[] { 1 }, 0L, "more bytes than 64 bits can count")]
    public void OverflowingOrOversizedTensorIsRefusedNamingTheFile(string kind, long storageNumel, long[] size, long[] stride, long offset, string expected)
    {
        var path = Write($"{kind}.pt", storageNumel, HostileTorchFiles.Floats(1, 2, 3, 4), offset, size, stride);
        var baseline = LeakCheck.Baseline();
        var e = Assert.Throws<TorchFileException>(() => TorchFile.Load(path));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("\n", e.Message);
        Assert.Equal(baseline, LiveTensors.Count);
    }

    // --- crafting -------------------------------------------------------------------------------------

    private string Write(string name, long storageNumel, byte[] storage, long offset, long[] size, long[] stride)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllBytes(path, HostileTorchFiles.StateDict("w", storageNumel, storage, offset, size, stride));
        return path;
    }

    private static Tensor LoadW(string path) =>
        Assert.IsType<Tensor>(Assert.IsType<OrderedDictionary<object, object?>>(TorchFile.Load(path))["w"]);

    /// <summary>
    /// Runs <paramref name="body"/> and returns how far the peak RSS (VmHWM) rose above the RSS before it, in MB; the
    /// kernel's peak counter is reset first (writing 5 to /proc/self/clear_refs). A small ordinary file is loaded
    /// first to pay the one-off costs of a first load (libtorch's lazy initialisation and thread pools, ~150 MB) —
    /// not the body itself, whose freed memory the allocator would keep and reuse, hiding a repeat of its peak.
    /// </summary>
    private (double PeakMb, double RssBeforeMb) PeakDuring(Action body)
    {
        var warm = Write("warm.pt", storageNumel: 4, storage: HostileTorchFiles.Floats(1, 2, 3, 4), offset: 0, size: [2, 2], stride: [2, 1]);
        using (DisposeScope.Open())
        {
            using var sum = LoadW(warm).Sum();
            Assert.Equal(10.0, sum.ToDouble());
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        File.WriteAllText("/proc/self/clear_refs", "5");
        var before = MemoryTests.StatusMb("VmRSS");
        body();
        return (MemoryTests.StatusMb("VmHWM") - before, before);
    }
}
