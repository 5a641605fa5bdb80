using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Tests.Datasets;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Loading;

public class DataLoaderTests
{
    /// <summary>n fake [1, 3, 3] images, labels i % 3; indices in <paramref name="corrupt"/> are truncated files.</summary>
    private static ImageDataset Images(TempDir dir, int n, int[]? corrupt = null, bool masks = false)
    {
        var items = new List<DatasetItem>();
        for (var i = 0; i < n; i++)
        {
            var path = dir[$"img/{i:D3}.fimg"];
            if (corrupt?.Contains(i) == true) FakeImageReader.WriteCorrupt(path);
            else FakeImageReader.Write(path, [1, 3, 3], i);
            string? mask = null;
            if (masks) mask = FakeImageReader.Write(dir[$"mask/{i:D3}.fimg"], [1, 3, 3], i % 2);
            items.Add(new DatasetItem(path, i % 3, $"k{i % 3}", mask));
        }
        return new ImageDataset(items, ["k0", "k1", "k2"]);
    }

    private static List<(float[][] Images, long[] Labels, long[] Indices)> Run(DataLoader loader, int epoch, int startBatch = 0)
    {
        var result = new List<(float[][], long[], long[])>();
        foreach (var batch in loader.Epoch(epoch, startBatch))
            using (batch)
                result.Add(([.. batch.Images.Select(t => t.ToArray<float>())], batch.Labels.ToArray<long>(), [.. batch.Indices]));
        return result;
    }

    [Fact]
    public void SameSeedGivesByteIdenticalBatchesWhateverTheWorkerCount()
    {
        using var dir = new TempDir();
        var ds = Images(dir, 11);
        var transform = new NoiseTransform();
        var options = new DataLoaderOptions { BatchSize = 4, Shuffle = true, Seed = 123, Views = 2 };
        var reference = Run(new DataLoader(ds, transform, options with { Workers = 0 }), epoch: 1);
        Assert.Equal(3, reference.Count);
        Assert.Equal([4, 4, 3], reference.Select(b => b.Indices.Length));
        Assert.Equal(Enumerable.Range(0, 11), reference.SelectMany(b => b.Indices).Select(i => (int)i).Order());
        Assert.NotEqual(reference[0].Images[0], reference[0].Images[1]); // two independently augmented views
        foreach (var workers in new[] { 1, 3 })
        {
            var other = Run(new DataLoader(ds, new NoiseTransform(maxDelayMs: 3), options with { Workers = workers, PrefetchDepth = 1 }), epoch: 1);
            Assert.Equal(reference.Count, other.Count);
            for (var b = 0; b < reference.Count; b++)
            {
                Assert.Equal(reference[b].Indices, other[b].Indices);
                Assert.Equal(reference[b].Labels, other[b].Labels);
                for (var v = 0; v < 2; v++)
                    Assert.Equal(
                        System.Runtime.InteropServices.MemoryMarshal.AsBytes<float>(reference[b].Images[v]).ToArray(),
                        System.Runtime.InteropServices.MemoryMarshal.AsBytes<float>(other[b].Images[v]).ToArray());
            }
        }
        // Another epoch or seed changes the data.
        var epoch2 = Run(new DataLoader(ds, transform, options), epoch: 2);
        Assert.NotEqual(reference[0].Indices, epoch2[0].Indices);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void StartingAtABatchGivesTheRemainingBatchesOfAFullEpoch(int workers)
    {
        using var dir = new TempDir();
        var ds = Images(dir, 11);
        var options = new DataLoaderOptions { BatchSize = 3, Shuffle = true, Seed = 9, Views = 2, Workers = workers };
        var full = Run(new DataLoader(ds, new NoiseTransform(), options), epoch: 3);
        var rest = Run(new DataLoader(ds, new NoiseTransform(), options), epoch: 3, startBatch: 2);
        Assert.Equal(4, full.Count);
        static string Key((float[][] Images, long[] Labels, long[] Indices) b) =>
            string.Join(";", b.Images.Select(v => string.Join(",", v))) + "|" + string.Join(",", b.Labels) + "|" + string.Join(",", b.Indices);
        Assert.Equal(full.Skip(2).Select(Key), rest.Select(Key));
        var loader = new DataLoader(ds, null, options);
        Assert.Equal([2, 3], loader.Epoch(3, 2).Select(b => { using (b) return b.Number; }).ToArray());
    }

    [Fact]
    public void OrderIsPreservedWithRandomWorkerDelays()
    {
        using var dir = new TempDir();
        var ds = Images(dir, 20);
        var loader = new DataLoader(ds, new NoiseTransform(maxDelayMs: 4), new DataLoaderOptions { BatchSize = 3, Shuffle = true, Seed = 5, Workers = 3 });
        var expected = loader.BatchSampler.Batches(0).ToArray();
        var got = Run(loader, 0);
        Assert.Equal(expected.Select(b => b.Select(i => (long)i).ToArray()), got.Select(b => b.Indices));
        // Labels follow the dataset items.
        Assert.All(got, b => Assert.Equal(b.Indices.Select(i => i % 3), b.Labels));
        // Pixel values identify the file: image i holds i + k/1000 (+ noise below 1).
        Assert.All(got, b => Assert.Equal(b.Indices.Length * 9, b.Images[0].Length));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void SkipPolicyCountsSkipsAndFillsBatchesFromTheNextSamples(int workers)
    {
        using var dir = new TempDir();
        var ds = Images(dir, 10, corrupt: [1, 6]);
        var loader = new DataLoader(ds, null, new DataLoaderOptions { BatchSize = 3, Workers = workers, OnError = ErrorPolicy.Skip });
        var skipped = new List<string>();
        loader.SampleSkipped += (_, e) => { lock (skipped) skipped.Add(e.Path); Assert.Contains("truncated", e.Error.Message); };
        var got = Run(loader, 0);
        Assert.Equal([[0L, 2, 3], [4, 5, 7], [8, 9]], got.Select(b => b.Indices));
        Assert.Equal(2, loader.Statistics.SamplesSkipped);
        Assert.Equal(8, loader.Statistics.SamplesLoaded);
        Assert.Equal(3, loader.Statistics.Batches);
        Assert.Equal([ds[1].Path, ds[6].Path], skipped);

        var dropLast = new DataLoader(ds, null, new DataLoaderOptions { BatchSize = 3, Workers = workers, OnError = ErrorPolicy.Skip, DropLast = true });
        Assert.Equal(2, Run(dropLast, 0).Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void FailPolicyThrowsNamingPathAndReasonAfterEarlierBatches(int workers)
    {
        using var dir = new TempDir();
        var ds = Images(dir, 10, corrupt: [4]);
        var baseline = LeakCheck.Baseline();
        var loader = new DataLoader(ds, null, new DataLoaderOptions { BatchSize = 2, Workers = workers });
        var delivered = 0;
        var e = Assert.Throws<LoaderException>(() =>
        {
            foreach (var batch in loader.Epoch(0)) using (batch) delivered++;
        });
        Assert.Equal(2, delivered); // batches [0,1] and [2,3] came before the failure
        Assert.Equal(ds[4].Path, e.Path);
        Assert.Contains(ds[4].Path, e.Message);
        Assert.Contains("truncated header", e.Message);
        Assert.IsType<MedLearn.Data.Readers.ImageReadException>(e.InnerException);
        Assert.Equal(4, e.Index);
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void TwoStreamLoaderKeepsCompositionAndUnlabeledLabelsAreMinusOne()
    {
        using var dir = new TempDir();
        var ds = Images(dir, 12, corrupt: [2]);
        ds = DatasetSplitter.WithLabeledPaths(ds, [.. Enumerable.Range(0, 5).Select(i => ds[i].Path)]); // 0..4 labeled
        var sampler = TwoStreamBatchSampler.ForDataset(ds, labeledBatchSize: 2, unlabeledBatchSize: 3, seed: 1);
        var loader = new DataLoader(ds, null, new DataLoaderOptions { Workers = 2, OnError = ErrorPolicy.Skip, Seed = 1 }, sampler);
        var batches = Run(loader, 0);
        // 5 labeled / 2 = 2 nominal batches; the corrupt labeled sample is replaced by the next labeled one.
        Assert.InRange(batches.Count, 1, 2);
        foreach (var b in batches)
        {
            Assert.Equal(5, b.Indices.Length);
            Assert.All(b.Indices[..2], i => Assert.InRange(i, 0, 4));
            Assert.All(b.Indices[2..], i => Assert.InRange(i, 5, 11));
            Assert.All(b.Labels[..2], l => Assert.InRange(l, 0, 2));
            Assert.All(b.Labels[2..], l => Assert.Equal(-1, l));
        }
        Assert.DoesNotContain(2L, batches.SelectMany(b => b.Indices));
    }

    [Fact]
    public void MasksAreStackedAndStreamCountsReported()
    {
        using var dir = new TempDir();
        var ds = Images(dir, 4, masks: true);
        var loader = new DataLoader(ds, null, new DataLoaderOptions { BatchSize = 4, Workers = 1 });
        var baseline = LeakCheck.Baseline();
        foreach (var batch in loader.Epoch(0))
        {
            using (batch)
            {
                Assert.Equal([4L, 1, 3, 3], batch.Image.Shape);
                Assert.Equal([4L, 1, 3, 3], batch.Mask!.Shape);
                Assert.Equal(DType.Int64, batch.Labels.DType);
                Assert.Equal([4], batch.StreamCounts);
                Assert.Equal(ds.Items.Select(i => i.Path), batch.Paths);
                Assert.Null(batch.Image.Scope);
            }
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void LiveTensorsReturnToBaselineAfterAnEpochAndAfterAnEarlyExit(int workers)
    {
        using var dir = new TempDir();
        var ds = Images(dir, 13);
        var loader = new DataLoader(ds, new NoiseTransform(), new DataLoaderOptions { BatchSize = 2, Workers = workers, Views = 2, Shuffle = true, PrefetchDepth = 2 });
        var baseline = LeakCheck.Baseline();
        foreach (var batch in loader.Epoch(0))
            using (batch)
            using (var scope = DisposeScope.Open())
                _ = batch.Image.Mul(2).Sum().ToDouble();
        Assert.Equal(baseline, LiveTensors.Count);
        foreach (var batch in loader.Epoch(1))
        {
            batch.Dispose();
            break; // workers are still loading ahead: everything they made must be freed
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void WorkersRunSingleThreadedOpsWhileTheConsumerKeepsItsThreads()
    {
        using var dir = new TempDir();
        var ds = Images(dir, 6);
        var consumerThreads = torch.ThreadNumThreads;
        var transform = new NoiseTransform();
        var loader = new DataLoader(ds, transform, new DataLoaderOptions { BatchSize = 2, Workers = 2 });
        Run(loader, 0);
        Assert.NotEmpty(transform.ThreadsSeen);
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, transform.ThreadsSeen.Keys);
        Assert.All(transform.ThreadsSeen.Values, n => Assert.Equal(1, n));
        Assert.Equal(consumerThreads, torch.ThreadNumThreads);
        Assert.Equal(consumerThreads, torch.ProbeIntraOpTeam()); // the consumer still parallelises over its threads
        // Inline loading (Workers = 0) runs on the consumer thread with its full setting.
        var inline = new NoiseTransform();
        Run(new DataLoader(ds, inline, new DataLoaderOptions { BatchSize = 2 }), 0);
        Assert.Equal(consumerThreads, Assert.Single(inline.ThreadsSeen).Value);
    }

    [Fact]
    public void StatisticsMeasureDataWait()
    {
        using var dir = new TempDir();
        var ds = Images(dir, 6);
        var loader = new DataLoader(ds, new NoiseTransform(maxDelayMs: 5), new DataLoaderOptions { BatchSize = 3, Workers = 1 });
        Run(loader, 0);
        var s = loader.Statistics;
        Assert.Equal(2, s.Batches);
        Assert.Equal(6, s.SamplesLoaded);
        Assert.True(s.DataWait > TimeSpan.Zero);
        Assert.True(s.Elapsed >= s.DataWait);
        Assert.InRange(s.DataWaitFraction, 0, 1);
        s.Reset();
        Assert.Equal(0, s.Batches);
    }

    [Fact]
    public void PrefetchingHidesLoadingBehindASlowConsumer()
    {
        using var dir = new TempDir();
        var ds = Images(dir, 16);
        var loader = new DataLoader(ds, new NoiseTransform(maxDelayMs: 2), new DataLoaderOptions { BatchSize = 2, Workers = 2, PrefetchDepth = 2 });
        foreach (var batch in loader.Epoch(0))
            using (batch)
                Thread.Sleep(25); // a "training step" much slower than loading a batch
        // Only the first batch is waited for; generous bound for a busy shared machine.
        Assert.InRange(loader.Statistics.DataWaitFraction, 0, 0.5);
    }

    [Fact]
    public void ImagesOfDifferentShapesGiveAClearBatchError()
    {
        using var dir = new TempDir();
        var ds = Images(dir, 2);
        FakeImageReader.Write(ds[1].Path, [1, 4, 4], 0);
        var e = Assert.Throws<LoaderException>(() => Run(new DataLoader(ds, null, new DataLoaderOptions { BatchSize = 2 }), 0));
        Assert.Contains("[1, 3, 3]", e.Message);
        Assert.Contains("[1, 4, 4]", e.Message);
    }

    [Fact]
    public void OptionsAreValidated()
    {
        var ds = new ImageDataset([], []);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(ds, null, new DataLoaderOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(ds, null, new DataLoaderOptions { Views = 3 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(ds, null, new DataLoaderOptions { Workers = -1 }));
    }
}
