using MedLearn.Data.Writers;
using MedLearn.Methods.Supervised;
using MedLearn.Torch;
using MedLearn.Torch.Amp;

namespace MedLearn.Server.Tests;

/// <summary>
/// One tiny trained classification run shared by the service tests: two classes of random RGB PNGs (dark "a", bright
/// "b", 20 px), a small CNN trained for one epoch at 16 px (seconds on two cores).
/// </summary>
public sealed class TrainedRunFixture : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-serve-tests-");

    public TrainedRunFixture()
    {
        Data = Path.Combine(_root.FullName, "data");
        using (DisposeScope.Open())
        {
            torch.ManualSeed(3);
            foreach (var (cls, offset) in new[] { ("a", 0), ("b", 150) })
            {
                Directory.CreateDirectory(Path.Combine(Data, cls));
                for (var i = 0; i < 6; i++)
                    PngWriter.Write((torch.Rand([3, 20, 20]) * 100 + offset).To(DType.UInt8), Path.Combine(Data, cls, $"{cls}{i}.png"));
            }
        }
        Run = ClassificationTraining.Run(new ClassificationTrainingOptions
        {
            Data = Data, Model = "small-cnn", Out = Path.Combine(_root.FullName, "runs"), Epochs = 1, BatchSize = 4, ImageSize = 16, ResizeSize = 18,
            Split = [0.5, 0.25, 0.25], Workers = 0, BootstrapSamples = 10, LatencyImages = 1, LatencyWarmup = 0, Precision = Precision.Fp32,
            ExplainSamples = 0,
        }).Directory.Path;
    }

    /// <summary>The class folders a/ and b/.</summary>
    public string Data { get; }

    /// <summary>The run folder.</summary>
    public string Run { get; }

    /// <summary>A scratch folder removed with the fixture.</summary>
    public string Scratch(string name) => Directory.CreateDirectory(Path.Combine(_root.FullName, name)).FullName;

    /// <summary>A test input (tests/MedLearn.Server.Tests/Golden/serve, written by tools/golden/gen_serve.py).</summary>
    public static string Input(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", "serve", name);

    public void Dispose() => _root.Delete(recursive: true);
}

[CollectionDefinition(Name)]
public sealed class ServedRunCollection : ICollectionFixture<TrainedRunFixture>
{
    public const string Name = "served run";
}
