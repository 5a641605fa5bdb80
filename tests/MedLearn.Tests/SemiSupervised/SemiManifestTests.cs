using MedLearn.Data.Datasets;
using MedLearn.Data.Writers;
using MedLearn.Methods.SemiSupervised;
using MedLearn.Methods.Supervised;
using MedLearn.Runs;
using MedLearn.Tests.Cli;
using MedLearn.Torch;

namespace MedLearn.Tests.SemiSupervised;

/// <summary>
/// Issue 11 item 4: <c>train semi</c> honours a manifest's split column (fixed split, images without a label only in
/// train) and labeled column (fixed labeled set), counts unlabeled images without a label, and refuses bad manifests
/// before training.
/// </summary>
public sealed class SemiManifestTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-semi-manifest-");
    private string Root => _root.FullName;
    private string Runs => Path.Combine(Root, "runs");

    public void Dispose() => _root.Delete(recursive: true);

    private static readonly string[] Common = ["--model", "small-cnn", "--epochs", "1", "--image-size", "16", "--workers", "0", "--precision", "fp32",
        "--method", "mean-teacher", "--labeled-batch-size", "2", "--unlabeled-batch-size", "2", "--labeled-fraction", "0.5",
        "--set", "bootstrap-samples=0", "--set", "latency-images=1"];

    /// <summary>
    /// Per class a/b: 6 train rows (2 labeled=true, 4 labeled=false), 2 val, 2 test; plus 4 rows without a label in train
    /// (or, with <paramref name="unlabeledIn"/>, one of them in that split). Returns the manifest path.
    /// </summary>
    private string WriteManifest(bool splitColumn = true, bool labeledColumn = true, string unlabeledIn = "train")
    {
        var data = Path.Combine(Root, "data");
        Directory.CreateDirectory(data);
        var header = "path,label" + (splitColumn ? ",split" : "") + (labeledColumn ? ",labeled" : "");
        var lines = new List<string> { header };
        string Row(string path, string label, string split, string labeled) =>
            $"{path},{label}" + (splitColumn ? $",{split}" : "") + (labeledColumn ? $",{labeled}" : "");
        using (DisposeScope.Open())
        {
            torch.ManualSeed(9);
            foreach (var (cls, offset) in new[] { ("a", 0), ("b", 150) })
                for (var i = 0; i < 10; i++)
                {
                    var name = $"{cls}{i}.png";
                    PngWriter.Write((torch.Rand([3, 16, 16]) * 100 + offset).To(DType.UInt8), Path.Combine(data, name));
                    lines.Add(Row(name, cls, i < 6 ? "train" : i < 8 ? "val" : "test", i < 2 || i >= 6 ? "true" : i < 6 ? "false" : ""));
                }
            for (var i = 0; i < 4; i++)
            {
                var name = $"u{i}.png";
                PngWriter.Write((torch.Rand([3, 16, 16]) * 250).To(DType.UInt8), Path.Combine(data, name));
                lines.Add(Row(name, "", i == 0 ? unlabeledIn : "train", ""));
            }
        }
        var csv = Path.Combine(data, "manifest.csv");
        File.WriteAllLines(csv, lines);
        return csv;
    }

    private static string Flat(string output) => System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");

    [Fact]
    public void ManifestSplitAndLabeledColumnsAreHonoured()
    {
        var csv = WriteManifest();
        var (code, output) = CliHarness.Run(["train", "semi", "--data", csv, "--out", Runs, .. Common]);
        Assert.True(code == 0, output);
        Assert.Contains("labeled-fraction 0.5 is not used", Flat(output));
        var run = RunDirectory.Open(Directory.GetDirectories(Runs).Single());
        Assert.EndsWith("-mean-teacher-manifest-small-cnn", run.Name);

        // split.csv is the manifest's split, row for row.
        var manifest = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).ToDictionary(f => Path.Combine(Path.GetDirectoryName(csv)!, f[0]), f => f[2]);
        var recorded = CsvRows(run.SplitPath);
        Assert.Equal(manifest.Count, recorded.Count);
        foreach (var (path, split) in recorded) Assert.Equal(manifest[path], split);

        // The labeled set is the manifest's: rows 0-1 of each class.
        var labeled = SemiSupervisedSetup.ReadLabeledFile(Path.Combine(run.Path, SemiSupervisedSetup.LabeledFileName)).Select(p => p[(p.LastIndexOf('/') + 1)..]).Order().ToArray();
        Assert.Equal(["a0.png", "a1.png", "b0.png", "b1.png"], labeled);

        var semi = MetricsFile.Read<SemiSupervisedSummary>(Path.Combine(run.Path, SemiSupervisedSummary.FileName));
        Assert.Equal("manifest", semi.LabeledSet);
        Assert.Equal(4, semi.Labeled);
        Assert.Equal(4, semi.UnlabeledWithoutLabel);
        Assert.Equal(8 + 4, semi.Unlabeled);       // 4 labeled=false per class + 4 rows without a label (was 8: the label-less rows were not counted)
        Assert.Equal(4.0 / 16, semi.LabeledFraction, 12);
        Assert.Contains("12 unlabeled", File.ReadAllText(run.ReportPath));
        Assert.Equal(4, MetricsFile.Read<RunSummary>(run.MetricsPath).Images); // the manifest's 4 test rows
    }

    [Fact]
    public void AnImageWithoutLabelInTheTestSplitIsRefusedBeforeTraining()
    {
        var csv = WriteManifest(unlabeledIn: "test");
        var (code, output) = CliHarness.Run(["train", "semi", "--data", csv, "--out", Runs, .. Common]);
        Assert.Equal(2, code);
        Assert.Contains("u0.png' has no label but is in the test split", Flat(output));
        Assert.DoesNotContain("epoch 1/1", output);
        Assert.False(Directory.Exists(Runs) && Directory.GetDirectories(Runs).Length > 0);
    }

    [Fact]
    public void WithoutASplitColumnImagesWithoutLabelAllGoToTrainAndLabeledImagesSplitAsAlone()
    {
        var csv = WriteManifest(splitColumn: false, labeledColumn: false);
        var dataset = ClassificationSetup.LoadDataset(csv);
        var options = new ClassificationTrainingOptions { Data = csv, Split = [0.6, 0.2, 0.2], Seed = 4 };
        var split = ClassificationSetup.Split(dataset, options);
        Assert.All(dataset.Items.Where(i => i.Label < 0), i => Assert.Contains(split.Train.Items, t => t.Path == i.Path));
        Assert.DoesNotContain(split.Val.Items.Concat(split.Test.Items), i => i.Label < 0);
        // The labeled images get exactly the split they get without the unlabeled pool.
        var alone = DatasetSplitter.Split(dataset.Subset(Enumerable.Range(0, dataset.Count).Where(i => dataset.Items[i].Label >= 0)), 0.6, 0.2, 0.2, 4);
        foreach (var name in DatasetSplit.Names)
            Assert.Equal(alone[name].Items.Select(i => i.Path), split[name].Items.Where(i => i.Label >= 0).Select(i => i.Path));
    }

    [Fact]
    public void ARowWithoutSplitIsRefusedWhenOthersHaveOne()
    {
        var csv = WriteManifest(labeledColumn: false);
        var lines = File.ReadAllLines(csv);
        lines[5] = lines[5][..lines[5].LastIndexOf(',')] + ",";
        File.WriteAllLines(csv, lines);
        var dataset = ClassificationSetup.LoadDataset(csv);
        var e = Assert.Throws<DatasetException>(() => ClassificationSetup.Split(dataset, new ClassificationTrainingOptions { Data = csv }));
        Assert.Contains("1 row has no split", e.Message);
    }

    [Fact]
    public void ClassOrderKeepsTheManifestsLabeledAndSplitColumns()
    {
        // class-order (ordinal staging) renumbers the labels; the manifest must still fix the labeled set and the split
        // (after merging i11-ux and i11-data, the reordered dataset was a plain ImageDataset: labeled-fraction was used).
        var csv = WriteManifest();
        var loaded = ClassificationSetup.LoadDataset(csv);
        var ordered = ClassificationSetup.OrderClasses(loaded, ["b", "a"], csv);
        var manifest = Assert.IsType<ManifestDataset>(ordered);
        Assert.True(manifest.HasLabeledColumn);
        Assert.True(manifest.HasSplitColumn);
        Assert.Equal(["b", "a"], manifest.Classes);
        for (var i = 0; i < loaded.Count; i++)
        {
            var (before, after) = (loaded.Items[i], manifest.Items[i]);
            Assert.Equal(before.Label < 0 ? -1 : 1 - before.Label, after.Label);
            Assert.Equal(before.Labeled, after.Labeled);
            Assert.Equal(before.Split, after.Split);
        }
        var split = ClassificationSetup.Split(ordered, new ClassificationTrainingOptions { Data = csv });
        Assert.Equal(4, split.Test.Count);
        Assert.Equal(4, split.Train.Items.Count(i => i.Labeled && i.Label >= 0));
    }

    private static List<(string Path, string Split)> CsvRows(string splitCsv)
    {
        var dir = Path.GetDirectoryName(splitCsv)!;
        return [.. File.ReadAllLines(splitCsv).Skip(1).Select(l => l.Split(',')).Select(f => (Path.GetFullPath(f[0], dir), f[1]))];
    }
}
