using System.Buffers.Binary;
using System.IO.Compression;
using MedLearn.Cli.Commands;
using MedLearn.Data.Datasets;
using MedLearn.Data.Synthetic;
using MedLearn.Runs;
using MedLearn.Torch;
using MedLearn.Torch.Vision;

namespace MedLearn.Tests.Synthetic;

public sealed class SynthCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"medlearn-synth-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static string[] Files(string dir) => [.. Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    [Fact]
    public void RopWritesBalancedClassFolders()
    {
        var root = Path.Combine(_dir, "rop");
        Assert.Equal(0, DataCommand.RunSynth("rop", root, 10, 5, "32", "png", 95));
        Assert.Equal(["normal", "stage1", "stage2", "stage3"], Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal([3, 3, 2, 2], new[] { "normal", "stage1", "stage2", "stage3" }.Select(c => Directory.GetFiles(Path.Combine(root, c), "*.png").Length));
        Assert.Equal(11, Files(root).Length);  // the images and task.yaml: no temporary files left behind
        // task.yaml: the ordinal task in stage order, bound by the training settings.
        var task = ConfigBinder.Load<MedLearn.Methods.Supervised.ClassificationTrainingOptions>(Path.Combine(root, SyntheticDatasetWriter.RopTaskFileName));
        Assert.True(task.Ordinal);
        Assert.Equal(["normal", "stage1", "stage2", "stage3"], task.ClassOrder);
        var dataset = FolderDataset.Load(root);
        Assert.Equal(10, dataset.Count);
        using var scope = DisposeScope.Open();
        var decoded = ImageCodec.Decode(File.ReadAllBytes(dataset[0].Path));
        Assert.Equal([32L, 32, 3], decoded.Pixels.Shape);
        Assert.Equal(8, decoded.BitsPerSample);
    }

    [Fact]
    public void RopIsReproducibleAndJpegWorks()
    {
        var a = Path.Combine(_dir, "a");
        var b = Path.Combine(_dir, "b");
        var jpg = Path.Combine(_dir, "jpg");
        Assert.Equal(0, DataCommand.RunSynth("rop", a, 4, 2, "24", "png", 95));
        Assert.Equal(0, DataCommand.RunSynth("rop", b, 4, 2, "24", "png", 95));
        Assert.Equal(Files(a).Select(File.ReadAllBytes), Files(b).Select(File.ReadAllBytes));
        Assert.Equal(0, DataCommand.RunSynth("rop", jpg, 4, 2, "24", "jpg", 90));
        Assert.All(Files(jpg).Where(f => Path.GetFileName(f) != SyntheticDatasetWriter.RopTaskFileName), f => Assert.EndsWith(".jpg", f));
    }

    [Fact]
    public void MammoWritesImagesMasksAndManifest()
    {
        var root = Path.Combine(_dir, "mammo");
        Assert.Equal(0, DataCommand.RunSynth("mammo", root, 4, 1, "92x60", "png", 95));
        Assert.Equal(4, Directory.GetFiles(Path.Combine(root, "images")).Length);
        Assert.Equal(4, Directory.GetFiles(Path.Combine(root, "masks")).Length);
        var dataset = ManifestDataset.Load(Path.Combine(root, "labels.csv"));
        Assert.Equal(4, dataset.Count);
        Assert.Equal(["0", "1"], dataset.Classes);
        using var scope = DisposeScope.Open();
        foreach (var item in dataset.Items)
        {
            var image = ImageCodec.Decode(File.ReadAllBytes(item.Path));
            Assert.Equal(16, image.BitsPerSample);
            Assert.Equal([92L, 60, 1], image.Pixels.Shape);
            var mask = ImageCodec.Decode(File.ReadAllBytes(item.MaskPath!)).Pixels;
            Assert.Equal(item.Label == 1, mask.Sum().ToInt64() > 0);
        }
    }

    [Fact]
    public void VolumeWritesDecathlonLayoutWithSpacing()
    {
        var root = Path.Combine(_dir, "vol");
        Assert.Equal(0, DataCommand.RunSynth("volume", root, 3, 1, "20x18x12", "png", 95));
        var dataset = VolumeDataset.FromDecathlon(root);
        Assert.Equal(3, dataset.Count);
        using var gz = new GZipStream(File.OpenRead(dataset[0].Path), CompressionMode.Decompress);
        var header = new byte[352];
        gz.ReadExactly(header);
        Assert.Equal(348, BinaryPrimitives.ReadInt32LittleEndian(header));
        Assert.Equal([20, 18, 12], new[] { 42, 44, 46 }.Select(o => (int)BinaryPrimitives.ReadInt16LittleEndian(header.AsSpan(o))));
        Assert.Equal([1f, 1f, 1.5f], new[] { 80, 84, 88 }.Select(o => BinaryPrimitives.ReadSingleLittleEndian(header.AsSpan(o))));
        var rest = new MemoryStream();
        gz.CopyTo(rest);
        Assert.Equal(20 * 18 * 12 * 4, rest.Length);
    }

    [Fact]
    public void InspectAndSplitWorkOnSynthesisedData()
    {
        var root = Path.Combine(_dir, "rop");
        Assert.Equal(0, DataCommand.RunSynth("rop", root, 8, 0, "24", "png", 95));
        var text = new StringWriter();
        Assert.Equal(0, DataInspect.Run(root, 0, text));
        Assert.Contains("classes: 4", text.ToString());
        Assert.Contains("sizes: 24x24 (8)", text.ToString());
        Assert.Contains("unreadable: 0", text.ToString());
        File.WriteAllBytes(Path.Combine(root, "normal", "broken.png"), [0x89, 0x50, 0x4E, 0x47]);
        text = new StringWriter();
        Assert.Equal(1, DataInspect.Run(root, 0, text));
        Assert.Contains("unreadable: 1", text.ToString());
        Assert.Contains("broken.png", text.ToString());
        File.Delete(Path.Combine(root, "normal", "broken.png"));

        var split = Path.Combine(_dir, "split.csv");
        Assert.Equal(0, DataCommand.RunSplit(root, split, 0.5, 0, 7));
        var rows = File.ReadAllLines(split);
        Assert.Equal(9, rows.Length);
        Assert.Equal(4, rows.Count(r => r.Contains(",val,")));
        Assert.Equal(4, SplitFile.Read(split, FolderDataset.Load(root)).Train.Count);
    }

    [Fact]
    public void BadSizeIsRejected()
    {
        Assert.Equal(2, DataCommand.RunSynth("mammo", Path.Combine(_dir, "x"), 2, 0, "100x", "png", 95));
        Assert.Equal([64, 64, 64], DataCommand.ParseSize("64", [96, 96, 64]));
    }
}
