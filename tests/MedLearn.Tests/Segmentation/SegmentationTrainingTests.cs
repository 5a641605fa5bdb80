using MedLearn.Data;
using MedLearn.Data.Synthetic;
using MedLearn.Data.Writers;
using MedLearn.Methods.Segmentation;
using MedLearn.Models.Segmentation;
using MedLearn.Torch;
using MedLearn.Torch.Serialization;

namespace MedLearn.Tests.Segmentation;

/// <summary>End-to-end segmentation training on tiny synthetic phantoms (a few iterations): the run folder, the iteration
/// count, the exported weights, held-out evaluation and its CSV; bad label files.</summary>
public class SegmentationTrainingTests
{
    private static SegmentationTrainingOptions Tiny(string data, string output, SegmentationMethod method) => new()
    {
        Data = data, Output = output, Method = method, Labeled = 2, TestCount = 1, Iterations = 4,
        LabeledBatchSize = 1, UnlabeledBatchSize = 1, PatchSize = [16, 16, 16], Seed = 3,
        Network = new VNetOptions { BaseFilters = 2, Depth = 2 },
        Losses = new UgMclSettings { UncertaintyPasses = 2 },
        Window = new SlidingWindowOptions { PatchSize = [16, 16, 16], Stride = [8, 8, 8], BatchSize = 2 },
    };

    [Theory]
    [InlineData(SegmentationMethod.UgMcl)]
    [InlineData(SegmentationMethod.Supervised)]
    public void TrainsForTheRequestedIterationsAndEvaluatesTheHeldOutVolume(SegmentationMethod method)
    {
        var root = Directory.CreateTempSubdirectory("ugmcl-train").FullName;
        try
        {
            var data = Path.Combine(root, "data");
            SyntheticDatasetWriter.WriteVolumes(data, 4, new VolumePhantomOptions { Width = 20, Height = 18, Depth = 16, Seed = 1 });
            var result = SegmentationTraining.Run(Tiny(data, Path.Combine(root, "runs"), method));
            Assert.Equal(4, result.Iterations);
            Assert.Equal(2, result.Training.EpochsCompleted); // 2 labeled volumes, 1 per batch: 2 iterations per pass
            var case0 = Assert.Single(result.TestCases);
            Assert.InRange(case0.Metrics.Dice, 0, 1);

            // The exported state dict loads by name into the same network (strict).
            using var scope = DisposeScope.Open();
            using var net = new VNet(new VNetOptions { BaseFilters = 2, Depth = 2, DistanceHead = method == SegmentationMethod.UgMcl });
            net.LoadStateDict(StateDictFile.Load(Path.Combine(result.Run.Path, SegmentationTraining.ModelFileName)));

            var lines = File.ReadAllLines(Path.Combine(result.Run.Path, SegmentationTraining.CasesFileName));
            Assert.Equal(SegmentationEvaluation.CsvHeader, lines[0]);
            Assert.Equal(4, lines.Length); // header, one case, mean, sd
            Assert.StartsWith(case0.Case + ",", lines[1]);
            Assert.StartsWith("mean,", lines[2]);
            var prediction = Path.Combine(result.Run.Path, "predictions", case0.Case + ".nii.gz");
            using var image = Data.Readers.ImageReader.Read(prediction);
            Assert.Equal(new long[] { 1, 16, 18, 20 }, image.Data.Shape);
            Assert.Equal(2, File.ReadAllLines(result.Run.HistoryPath).Length - 1);
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void MismatchedOrBadLabelsNameTheFile()
    {
        var root = Directory.CreateTempSubdirectory("ugmcl-bad").FullName;
        try
        {
            using var scope = DisposeScope.Open();
            var meta = new ImageMeta { SpatialDims = 3, Spacing = [1, 1, 1], BitsStored = 32 };
            var image = Path.Combine(root, "img.nii.gz");
            NiftiWriter.Write(torch.Randn(1, 8, 8, 8), meta, image);
            var wrongShape = Path.Combine(root, "shape.nii.gz");
            NiftiWriter.Write(torch.Zeros([1, 8, 8, 6], DType.UInt8), meta, wrongShape);
            var wrongValues = Path.Combine(root, "values.nii.gz");
            NiftiWriter.Write(torch.Full([1, 8, 8, 8], 3, DType.UInt8), meta, wrongValues);
            var window = new SlidingWindowOptions { PatchSize = [8, 8, 8], Stride = [8, 8, 8] };
            Tensor Net(Tensor x) => torch.Cat([x, x * -1.0], 1);
            var e1 = Assert.Throws<InvalidDataException>(() => SegmentationEvaluation.EvaluateCase(Net, 2, image, wrongShape, window, false));
            Assert.Contains(wrongShape, e1.Message);
            Assert.Contains("differs from image", e1.Message);
            var e2 = Assert.Throws<InvalidDataException>(() => SegmentationEvaluation.EvaluateCase(Net, 2, image, wrongValues, window, false));
            Assert.Contains("label values 3 are not classes 0..1 (values present: 3); map them explicitly with --label-map (e.g. 3:1)", e2.Message);
        }
        finally { Directory.Delete(root, true); }
    }
}
