using MedLearn.Tests.Cli;
using MedLearn.Torch;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Classification;

/// <summary>
/// A whole training run frees every tensor it made deterministically: none is left for the garbage collector, whose
/// finalizers would free it later, in the middle of another test's or a server's live-tensor accounting.
/// </summary>
public sealed class RunTensorLifetimeTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-lifetime-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void TrainClassifyLeavesNoTensorToTheGarbageCollector()
    {
        var data = Path.Combine(_root.FullName, "data");
        CliHarness.WriteTwoClassImages(data, perClass: 6, size: 20, seed: 4);
        var baseline = LeakCheck.Baseline();
        // Training, evaluation and the report (whose sample thumbnails read images: a MedicalImage must be disposed).
        var run = CliHarness.TrainTinyClassifier(data, Path.Combine(_root.FullName, "runs"));
        Assert.True(File.Exists(Path.Combine(run, "report.html")));
        Assert.Equal(baseline, LiveTensors.Count); // no GC in between: a tensor dropped undisposed would still count
    }
}
