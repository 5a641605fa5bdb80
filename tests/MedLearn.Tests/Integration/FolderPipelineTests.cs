using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Data.Transforms;
using MedLearn.Data.Writers;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Integration;

/// <summary>
/// The whole data path on real files: PNGs written to root/&lt;class&gt;/, FolderDataset, the native decoder,
/// a random augmentation pipeline and the prefetching loader.
/// </summary>
public sealed class FolderPipelineTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-pipeline-");

    public FolderPipelineTests()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(3);
        foreach (var (cls, count) in new[] { ("benign", 5), ("malignant", 4) })
        {
            Directory.CreateDirectory(Path.Combine(_root.FullName, cls));
            for (var i = 0; i < count; i++)
            {
                // RGB 40x48 uint8 images; class "malignant" is brighter on average.
                var offset = cls == "malignant" ? 100 : 0;
                var img = (torch.Rand([3, 40, 48]) * 150 + offset).To(DType.UInt8);
                PngWriter.Write(img, Path.Combine(_root.FullName, cls, $"{cls}_{i}.png"));
            }
        }
    }

    public void Dispose() => _root.Delete(recursive: true);

    private static ITransform Pipeline() => new Compose(
        new ScaleIntensity(),
        new RandomResizedCrop([32, 32]),
        new RandomFlip(0.5),
        Normalize.ImageNet());

    private List<(float[] Images, long[] Labels, long[] Indices)> RunEpoch(int workers, ulong seed, int epoch)
    {
        var dataset = FolderDataset.Load(_root.FullName);
        var loader = new DataLoader(dataset, Pipeline(), new DataLoaderOptions { BatchSize = 4, Shuffle = true, Seed = seed, Workers = workers });
        var result = new List<(float[], long[], long[])>();
        foreach (var batch in loader.Epoch(epoch))
            using (batch)
            {
                Assert.Equal(new long[] { batch.Count, 3, 32, 32 }, batch.Image.Shape);
                Assert.Equal(DType.Float32, batch.Image.DType);
                result.Add((batch.Image.ToArray<float>(), batch.Labels.ToArray<long>(), [.. batch.Indices]));
            }
        return result;
    }

    [Fact]
    public void FolderOfPngsFlowsThroughDecoderTransformsAndLoader()
    {
        var baseline = LeakCheck.Baseline();
        var dataset = FolderDataset.Load(_root.FullName);
        Assert.Equal(new[] { "benign", "malignant" }, dataset.Classes);
        Assert.Equal(9, dataset.Count);

        var batches = RunEpoch(workers: 2, seed: 11, epoch: 0);
        Assert.Equal(3, batches.Count);                     // 4 + 4 + 1, no drop_last
        var indices = batches.SelectMany(b => b.Indices).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 9).Select(i => (long)i).ToArray(), indices);
        // Labels come from the folder names: 5 benign (0), 4 malignant (1).
        Assert.Equal(4, batches.SelectMany(b => b.Labels).Count(l => l == 1));
        // ImageNet-normalised values of [0,1] pixels lie in [-0.485/0.229, (1-0.406)/0.225].
        Assert.All(batches.SelectMany(b => b.Images), v => Assert.InRange(v, -2.2f, 2.7f));
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void SameSeedGivesIdenticalBatchesWhateverTheWorkerCount()
    {
        var serial = RunEpoch(workers: 0, seed: 5, epoch: 1);
        var parallel = RunEpoch(workers: 3, seed: 5, epoch: 1);
        Assert.Equal(serial.Count, parallel.Count);
        for (var i = 0; i < serial.Count; i++)
        {
            Assert.Equal(serial[i].Indices, parallel[i].Indices);
            Assert.Equal(serial[i].Images, parallel[i].Images);
        }
        var otherEpoch = RunEpoch(workers: 0, seed: 5, epoch: 2);
        Assert.NotEqual(serial[0].Images, otherEpoch[0].Images);
    }
}
