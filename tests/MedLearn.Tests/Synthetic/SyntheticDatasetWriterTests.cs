using MedLearn.Data.Readers;
using MedLearn.Data.Synthetic;
using MedLearn.Torch;

namespace MedLearn.Tests.Synthetic;

public sealed class SyntheticDatasetWriterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"medlearn-synthw-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private sealed class Recorder : IProgress<SynthProgress>
    {
        public List<SynthProgress> Reports { get; } = [];
        public void Report(SynthProgress value) => Reports.Add(value);
    }

    [Fact]
    public void ProgressIsReportedOncePerSampleInOrder()
    {
        var progress = new Recorder();
        var paths = SyntheticDatasetWriter.WriteVolumes(_dir, 3, new VolumePhantomOptions { Width = 12, Height = 10, Depth = 8 }, progress);
        Assert.Equal([1, 2, 3], progress.Reports.Select(r => r.Done));
        Assert.All(progress.Reports, r => Assert.Equal(3, r.Total));
        Assert.Equal(paths, progress.Reports.Select(r => r.LastPath));
    }

    [Fact]
    public void TheCallingThreadKeepsItsIntraOpThreads()
    {
        // The writer's workers run with one intra-op thread; Parallel.For also runs on the calling thread, which kept
        // one thread afterwards (training after `data synth` in one process ran single-threaded).
        var (before, after) = RunOnNewThread(() =>
        {
            torch.SetThreadNumThreads(2);
            SyntheticDatasetWriter.WriteVolumes(_dir, 4, new VolumePhantomOptions { Width = 12, Height = 10, Depth = 8 });
            return (2, torch.ThreadNumThreads);
        });
        Assert.Equal(before, after);
    }

    private static T RunOnNewThread<T>(Func<T> work)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() => { try { result = work(); } catch (Exception e) { error = e; } });
        thread.Start();
        thread.Join();
        return error is null ? result : throw new InvalidOperationException("the thread failed", error);
    }

    [Fact]
    public void WrittenVolumesReadBackWithTheGeneratorsValuesAndSpacing()
    {
        var options = new VolumePhantomOptions { Width = 12, Height = 10, Depth = 8, Seed = 4, Spacing = [2.0, 0.5, 0.75] };
        var paths = SyntheticDatasetWriter.WriteVolumes(_dir, 2, options);
        using var scope = DisposeScope.Open();
        var expected = new VolumePhantomGenerator(options).Generate(1);
        using var image = ImageReader.Read(paths[1]);
        using var mask = ImageReader.Read(paths[1].Replace("imagesTr", "labelsTr"));
        Assert.Equal([1L, 8, 10, 12], image.Data.Shape);
        Assert.True(image.Data.Equal(expected.Image));
        Assert.True(mask.Data.To(DType.UInt8).Equal(expected.Mask));
        Assert.Equal(2.0, image.Meta.Spacing[0], 5);
        Assert.Equal(0.5, image.Meta.Spacing[1], 5);
        Assert.Equal(0.75, image.Meta.Spacing[2], 5);
    }

    [Fact]
    public void WrittenMammoPngKeepsSixteenBitValues()
    {
        var options = new MammoPhantomOptions { Height = 40, Width = 30, Seed = 2 };
        var paths = SyntheticDatasetWriter.WriteMammo(_dir, 2, options);
        using var scope = DisposeScope.Open();
        using var image = ImageReader.Read(paths[1]);
        Assert.Equal(16, image.Meta.BitsStored);
        Assert.True(image.Data.Equal(SynthImages.ToUInt16Range(new MammoPhantomGenerator(options).Generate(1).Image)));
    }

    [Fact]
    public void GeneratorsAndWriterDoNotLeakTensors()
    {
        var mammo = new MammoPhantomGenerator(new MammoPhantomOptions { Height = 40, Width = 30 });
        var volume = new VolumePhantomGenerator(new VolumePhantomOptions { Width = 12, Height = 10, Depth = 8 });
        SyntheticDatasetWriter.WriteRop(Path.Combine(_dir, "warm"), 1, new RopPhantomOptions { Size = 16 });
        var baseline = MedLearn.Torch.Tests.LeakCheck.Baseline();
        for (var i = 0; i < 3; i++)
        {
            var m = mammo.Generate(i);
            m.Image.Dispose();
            m.Mask.Dispose();
            var v = volume.Generate(i);
            v.Image.Dispose();
            v.Mask.Dispose();
            v.Structure.Dispose();
        }
        SyntheticDatasetWriter.WriteRop(Path.Combine(_dir, "rop"), 4, new RopPhantomOptions { Size = 16 });
        SyntheticDatasetWriter.WriteMammo(Path.Combine(_dir, "mammo"), 2, new MammoPhantomOptions { Height = 40, Width = 30 });
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void InvalidArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticDatasetWriter.WriteRop(_dir, 0, new RopPhantomOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RopPhantomGenerator(new RopPhantomOptions { Size = 4 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VolumePhantomGenerator(new VolumePhantomOptions { Spacing = [1, 1] }));
    }
}
