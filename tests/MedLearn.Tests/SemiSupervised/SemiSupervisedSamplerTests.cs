using MedLearn.Data.Datasets;
using MedLearn.Data.Transforms;
using MedLearn.Methods.SemiSupervised;

namespace MedLearn.Tests.SemiSupervised;

/// <summary>
/// The batches of the training loaders (indices only, nothing is read): the two-stream composition, one pass over the
/// labeled images per epoch, the cycling unlabeled stream, the repeated labeled passes of min-batches-per-epoch, and
/// the supervised arm's labeled-only batches with the same number of steps.
/// </summary>
public sealed class SemiSupervisedSamplerTests
{
    // 4 classes x 10 images, of which 3 per class labeled (12) and 28 unlabeled.
    private static ImageDataset Train()
    {
        var items = new List<DatasetItem>();
        for (var c = 0; c < 4; c++)
            for (var i = 0; i < 10; i++)
                items.Add(new DatasetItem($"/fake/c{c}/{i}.png", c, $"c{c}", Labeled: i < 3));
        return new ImageDataset(items, ["c0", "c1", "c2", "c3"]);
    }

    private static SemiSupervisedTrainingOptions Options => new() { LabeledBatchSize = 4, UnlabeledBatchSize = 12, Seed = 9, Workers = 0 };

    [Fact]
    public void TwoStreamBatchesCoverTheLabeledSetOncePerEpoch()
    {
        var train = Train();
        var batches = SemiSupervisedSetup.TrainLoader(train, new Compose(), Options, SemiSupervisedMethod.SrcMt);
        Assert.Equal(3, batches.Loader.BatchesPerEpoch);
        Assert.Equal(2, batches.Loader.Options.Views);
        var labeled = train.LabeledIndices().ToHashSet();
        var seenUnlabeled = new List<int>();
        for (var epoch = 0; epoch < 3; epoch++)
        {
            var epochBatches = batches.Loader.BatchSampler.Batches(epoch).ToList();
            Assert.Equal(3, epochBatches.Count);
            Assert.All(epochBatches, b =>
            {
                Assert.Equal(16, b.Length);
                Assert.All(b.Take(4), i => Assert.Contains(i, labeled));       // 4 labeled first
                Assert.All(b.Skip(4), i => Assert.DoesNotContain(i, labeled)); // then 12 unlabeled
            });
            var labeledThisEpoch = epochBatches.SelectMany(b => b.Take(4)).ToList();
            Assert.Equal(12, labeledThisEpoch.Distinct().Count()); // every labeled image exactly once
            seenUnlabeled.AddRange(epochBatches.SelectMany(b => b.Skip(4)));
        }
        // The unlabeled stream cycles: 108 draws over 28 images, every image within each full cycle of 28.
        for (var cycle = 0; cycle < 3; cycle++) Assert.Equal(28, seenUnlabeled.Skip(cycle * 28).Take(28).Distinct().Count());
    }

    [Fact]
    public void MinBatchesPerEpochRepeatsTheLabeledSetWithDistinctAugmentationStreams()
    {
        var train = Train();
        var batches = SemiSupervisedSetup.TrainLoader(train, new Compose(), Options with { MinBatchesPerEpoch = 10 }, SemiSupervisedMethod.MeanTeacher);
        // r = ceil(10 * 4 / 12) = 4 passes: 48 labeled slots, 12 batches.
        Assert.Equal(4, batches.LabeledRepeats);
        Assert.Equal(12, batches.Loader.BatchesPerEpoch);
        var dataset = batches.Loader.Dataset;
        var labeledSlots = batches.Loader.BatchSampler.Batches(0).SelectMany(b => b.Take(4)).ToList();
        Assert.Equal(48, labeledSlots.Distinct().Count());                                      // distinct dataset indices (own augmentation)
        Assert.All(labeledSlots.GroupBy(i => dataset.Items[i].Path), g => Assert.Equal(4, g.Count())); // each image 4 times
        Assert.Equal(1, SemiSupervisedSetup.TrainLoader(train, new Compose(), Options with { MinBatchesPerEpoch = 3 }, SemiSupervisedMethod.SrcMt).LabeledRepeats);
    }

    [Fact]
    public void TheSupervisedArmUsesOnlyLabeledImagesWithTheSameStepsPerEpoch()
    {
        var batches = SemiSupervisedSetup.TrainLoader(Train(), new Compose(), Options, SemiSupervisedMethod.Supervised);
        Assert.Equal(3, batches.Loader.BatchesPerEpoch);
        Assert.Equal(1, batches.Loader.Options.Views);
        Assert.Equal(12, batches.Loader.Dataset.Count);
        Assert.All(batches.Loader.Dataset.Items, i => Assert.True(i.Labeled));
        Assert.All(batches.Loader.BatchSampler.Batches(0), b => Assert.Equal(4, b.Length));
    }

    [Fact]
    public void TeacherMethodsNeedUnlabeledImages()
    {
        var all = Train();
        all = all.WithItems([.. all.Items.Select(i => i with { Labeled = true })]);
        var e = Assert.Throws<DatasetException>(() => SemiSupervisedSetup.TrainLoader(all, new Compose(), Options, SemiSupervisedMethod.SrcMt));
        Assert.Contains("no unlabeled image", e.Message);
    }
}
