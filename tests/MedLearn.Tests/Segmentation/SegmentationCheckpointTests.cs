using MedLearn.Data.Synthetic;
using MedLearn.Data.Writers;
using MedLearn.Methods.Segmentation;
using MedLearn.Models.Segmentation;
using MedLearn.Training;

namespace MedLearn.Tests.Segmentation;

/// <summary>
/// Iteration-scheduled segmentation runs checkpoint every <see cref="SegmentationTrainingOptions.CheckpointEveryIterations"/>
/// iterations, not every trainer epoch (with 2 labeled volumes and 2 labeled per batch every iteration is an epoch).
/// </summary>
public class SegmentationCheckpointTests
{
    private sealed class LastCheckpoints : ITrainingCallback
    {
        public List<int> Epochs { get; } = [];
        public void OnCheckpointSaved(CheckpointSaved checkpoint)
        {
            if (checkpoint.Kind == CheckpointKind.Last) Epochs.Add(checkpoint.Epoch);
        }
    }

    [Fact]
    public void LastPtIsWrittenEveryNIterationsAndAfterTheLast()
    {
        var root = Directory.CreateTempSubdirectory("ugmcl-ckpt").FullName;
        try
        {
            var data = Path.Combine(root, "data");
            SyntheticDatasetWriter.WriteVolumes(data, 4, new VolumePhantomOptions { Width = 16, Height = 16, Depth = 16, Seed = 2 });
            var options = new SegmentationTrainingOptions
            {
                Data = data, Output = Path.Combine(root, "runs"), Method = SegmentationMethod.Supervised, Labeled = 2, TestCount = 0,
                Iterations = 7, LabeledBatchSize = 2, UnlabeledBatchSize = 0, PatchSize = [16, 16, 16], Seed = 1,
                Network = new VNetOptions { BaseFilters = 2, Depth = 2 }, CheckpointEveryIterations = 3,
                Window = new SlidingWindowOptions { PatchSize = [16, 16, 16], Stride = [16, 16, 16] },
            };
            var recorder = new LastCheckpoints();
            var result = SegmentationTraining.Run(options, [recorder]);
            Assert.Equal(7, result.Iterations); // one iteration per trainer epoch
            // Before: last.pt after each of the 7 iterations. Now after iterations 3, 6 and the final 7.
            Assert.Equal([3, 6, 7], recorder.Epochs);
            Assert.True(File.Exists(Path.Combine(result.Run.CheckpointsDir, Trainer.LastCheckpointName)));
            Assert.Throws<ArgumentOutOfRangeException>(() => (options with { CheckpointEveryIterations = 0 }).Validate());
        }
        finally { Directory.Delete(root, true); }
    }
}
