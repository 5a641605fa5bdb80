using System.Text.Json.Nodes;
using MedLearn.Data.Datasets;
using MedLearn.Data.Writers;
using MedLearn.Methods.Supervised;
using MedLearn.Runs;
using MedLearn.Torch;

namespace MedLearn.Tests.Cli;

/// <summary>
/// Issue 11, data handling: unreadable images under both error policies in every split, empty labels in supervised
/// manifests, one dataset-layout rule, and run folders (absolute paths, --resume conflicts, lock, temporary files,
/// no half-made folders).
/// </summary>
public sealed class DataHandlingTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-data-");
    private string Root => _root.FullName;
    private string Runs => Path.Combine(Root, "runs");

    public void Dispose() => _root.Delete(recursive: true);

    private static readonly string[] Common = ["--model", "small-cnn", "--epochs", "1", "--image-size", "16", "--workers", "0", "--precision", "fp32",
        "--set", "resize-size=16", "--set", "bootstrap-samples=0", "--set", "latency-images=2", "--set", "explain-samples=2", "--set", "batch-size=4"];

    /// <summary>Two classes of 10 random PNGs each, with a manifest whose split column puts 6/2/2 of each class in train/val/test.</summary>
    private string WriteManifest(string? badSplit = null, byte[]? badBytes = null)
    {
        var data = Path.Combine(Root, "data");
        var lines = new List<string> { "path,label,split" };
        using (DisposeScope.Open())
        {
            torch.ManualSeed(3);
            foreach (var (cls, offset) in new[] { ("a", 0), ("b", 150) })
            {
                Directory.CreateDirectory(Path.Combine(data, cls));
                for (var i = 0; i < 10; i++)
                {
                    PngWriter.Write((torch.Rand([3, 20, 20]) * 100 + offset).To(DType.UInt8), Path.Combine(data, cls, $"{cls}{i}.png"));
                    lines.Add($"{cls}/{cls}{i}.png,{cls},{(i < 6 ? "train" : i < 8 ? "val" : "test")}");
                }
            }
        }
        if (badSplit is not null)
        {
            File.WriteAllBytes(Path.Combine(data, "a", "zz-bad.png"), badBytes ?? []);
            lines.Add($"a/zz-bad.png,a,{badSplit}");
        }
        var csv = Path.Combine(data, "manifest.csv");
        File.WriteAllLines(csv, lines);
        return csv;
    }

    private static byte[] TruncatedPng(string dir)
    {
        var path = Path.Combine(dir, "whole.png");
        using (DisposeScope.Open()) PngWriter.Write((torch.Zeros([3, 20, 20]) + 7).To(DType.UInt8), path);
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes[..(bytes.Length / 2)];
    }

    /// <summary>Console text with line wrapping undone (the harness console is 80 columns wide).</summary>
    private static string Flat(string output) => System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");

    private string[] RunFolders() => Directory.Exists(Runs) ? Directory.GetDirectories(Runs) : [];

    [Theory]
    [InlineData("train", false)]
    [InlineData("val", true)]
    [InlineData("test", false)]
    public void UnreadableImageFailsBeforeTrainingNamingTheFileAndLeavesNoRunFolder(string split, bool truncated)
    {
        var csv = WriteManifest(split, truncated ? TruncatedPng(Root) : null);
        var (code, output) = CliHarness.Run(["train", "classify", "--data", csv, "--out", Runs, .. Common]);
        Assert.Equal(2, code);
        Assert.Contains("zz-bad.png", Flat(output));
        Assert.Contains("unreadable", Flat(output));
        Assert.Contains("--on-error skip", Flat(output));
        Assert.DoesNotContain("epoch 1/1", Flat(output)); // refused before the first epoch
        Assert.Empty(RunFolders());
    }

    [Theory]
    [InlineData("train")]
    [InlineData("val")]
    [InlineData("test")]
    public void SkippedImageIsLeftOutOfEveryPhaseAndListedEverywhere(string split)
    {
        var csv = WriteManifest(split);
        var (code, output) = CliHarness.Run(["train", "classify", "--data", csv, "--out", Runs, "--on-error", "skip", .. Common]);
        Assert.True(code == 0, output);
        Assert.Contains("skipped 1 unreadable image", Flat(output));
        Assert.Contains("zz-bad.png", Flat(output));
        var run = RunDirectory.Open(RunFolders().Single());

        var marker = JsonNode.Parse(File.ReadAllText(run.MarkerPath))!;
        var listed = marker[SkippedImagesRecord.MarkerKey]!.AsArray();
        Assert.Single(listed);
        Assert.EndsWith("zz-bad.png", (string)listed[0]!["path"]!);
        Assert.Equal("check", (string)listed[0]!["phase"]!);
        Assert.Equal("the file is empty", (string)listed[0]!["reason"]!);

        var summary = MetricsFile.Read<RunSummary>(run.MetricsPath);
        Assert.EndsWith("zz-bad.png", Assert.Single(summary.Skipped!).Path);
        Assert.Equal(4, summary.Images); // the 4 readable test images (2 per class)
        Assert.NotNull(summary.Latency); // latency ran on readable images (it used to fail on the test split's empty file)
        Assert.DoesNotContain(PredictionsFile.Read(run.PredictionsPath).Rows, r => r.Path.EndsWith("zz-bad.png", StringComparison.Ordinal));

        var report = File.ReadAllText(run.ReportPath);
        Assert.Contains("Skipped images", report);
        Assert.Contains("zz-bad.png", report);
        // split.csv keeps every manifest row (a resume re-reads it against the same data)
        Assert.Contains(File.ReadAllLines(run.SplitPath), l => l.Contains("zz-bad.png", StringComparison.Ordinal) && l.Contains($",{split},", StringComparison.Ordinal));

        // evaluate honours the policy too (the loader drops the file; its metrics.json and output list it).
        var (evalCode, evalOutput) = CliHarness.Run("evaluate", "--run", run.Path, "--data", csv, "--workers", "0", "--on-error", "skip", "--precision", "fp32");
        Assert.True(evalCode == 0, evalOutput);
        Assert.Contains("skipped 1 unreadable image", Flat(evalOutput));
        var evaluation = MetricsFile.Read<RunSummary>(Path.Combine(Directory.GetDirectories(Path.Combine(run.Path, "evaluations")).Single(), RunDirectory.MetricsFileName));
        Assert.Equal(("evaluate", "the file is empty"), (Assert.Single(evaluation.Skipped!).Phase, evaluation.Skipped![0].Reason));
        Assert.Equal(20, evaluation.Images);
    }

    [Fact]
    public void EmptyLabelInASupervisedManifestIsRefusedNamingFileAndRow()
    {
        var csv = WriteManifest();
        var lines = File.ReadAllLines(csv).ToList();
        lines[3] = lines[3].Replace(",a,", ",,", StringComparison.Ordinal); // row 4 (header = row 1)
        File.WriteAllLines(csv, lines);
        var e = Assert.Throws<DatasetException>(() => ClassificationSetup.LoadDataset(csv, requireLabels: true));
        Assert.Contains(csv, e.Message);
        Assert.Contains("row 4: empty label", e.Message);
        Assert.Contains("train semi", e.Message);
        // semi-supervised loading still accepts the unlabeled row
        Assert.Equal(-1, ClassificationSetup.LoadDataset(csv).Items[2].Label);

        var (code, output) = CliHarness.Run(["train", "classify", "--data", csv, "--out", Runs, .. Common]);
        Assert.Equal(2, code);
        Assert.Contains("row 4: empty label", Flat(output));
        Assert.Empty(RunFolders());
    }

    [Fact]
    public void AFolderWithLabelsCsvIsAManifestForTrainingAndInspectAlike()
    {
        var dir = Path.Combine(Root, "mammo");
        MedLearn.Data.Synthetic.SyntheticDatasetWriter.WriteMammo(dir, 6, new MedLearn.Data.Synthetic.MammoPhantomOptions { Height = 64, Width = 48 });
        var dataset = ClassificationSetup.LoadDataset(dir);
        Assert.IsType<ManifestDataset>(dataset);
        Assert.DoesNotContain("images", dataset.Classes); // was trained as class folders "images" and "masks"
        Assert.Equal(6, dataset.Count);
        Assert.All(dataset.Items, i => Assert.NotNull(i.MaskPath));
        var (inspected, kind) = MedLearn.Cli.Commands.DataInspect.Open(dir);
        Assert.Equal("manifest (labels.csv)", kind);
        Assert.Equal(dataset.Items.Select(i => i.Path), inspected.Items.Select(i => i.Path));
    }

    [Fact]
    public void RunRecordsAbsolutePathsAndResumesFromAnotherFolder()
    {
        var csv = WriteManifest();
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, csv);
        Assert.False(Path.IsPathRooted(relative));
        var (code, output) = CliHarness.Run(["train", "classify", "--data", relative, "--out", Runs, .. Common]);
        Assert.True(code == 0, output);
        var run = RunFolders().Single();
        var options = ConfigBinder.Load<ClassificationTrainingOptions>(Path.Combine(run, RunDirectory.ConfigFileName));
        Assert.Equal(csv, options.Data);

        // A temporary file of an interrupted checkpoint write is removed when the run is resumed.
        var temp = Path.Combine(run, RunDirectory.CheckpointsFolderName, ".last.pt.0123456789abcdef.tmp");
        File.WriteAllBytes(temp, [1, 2, 3]);
        var original = Environment.CurrentDirectory;
        Environment.CurrentDirectory = Path.GetTempPath();
        try
        {
            var (resumeCode, resumeOutput) = CliHarness.Run("train", "classify", "--resume", run);
            Assert.True(resumeCode == 0, resumeOutput);
        }
        finally
        {
            Environment.CurrentDirectory = original;
        }
        Assert.False(File.Exists(temp));
        Assert.False(File.Exists(Path.Combine(run, RunLock.FileName))); // released

        // A second process cannot train the folder while the lock is held.
        using (RunLock.Acquire(run))
        {
            var (lockedCode, lockedOutput) = CliHarness.Run("train", "classify", "--resume", run);
            Assert.Equal(2, lockedCode);
            Assert.Contains($"is in use by PID {Environment.ProcessId} on {Environment.MachineName}", Flat(lockedOutput));
        }
    }

    [Fact]
    public void ResumeWithOtherSettingFlagsIsRefused()
    {
        var (code, output) = CliHarness.Run("train", "classify", "--resume", Path.Combine(Root, "some-run"), "--data", "x", "--epochs", "3");
        Assert.Equal(2, code);
        Assert.Contains("--data", Flat(output));
        Assert.Contains("--epochs", Flat(output));
        Assert.Contains("cannot be combined", Flat(output));
        var (semiCode, semiOutput) = CliHarness.Run("train", "semi", "--resume", Path.Combine(Root, "some-run"), "--labeled-fraction", "0.5");
        Assert.Equal(2, semiCode);
        Assert.Contains("--labeled-fraction", Flat(semiOutput));
    }

    [Fact]
    public void ARunFolderIsLockedAndAStaleLockIsTakenOver()
    {
        var run = RunDirectory.Create(Runs, "locked");
        using (RunLock.Acquire(run.Path))
        {
            var e = Assert.Throws<RunFileException>(() => RunLock.Acquire(run.Path));
            Assert.Contains($"in use by PID {Environment.ProcessId} on {Environment.MachineName}", e.Message);
        }
        // A lock left by a process that is gone is stale.
        using var dead = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        dead.WaitForExit();
        File.WriteAllText(Path.Combine(run.Path, RunLock.FileName), $"pid={dead.Id}\nhost={Environment.MachineName}\nprocess_start=x\nsince=2026-01-01T00:00:00Z\n");
        using var taken = RunLock.Acquire(run.Path);
        Assert.True(taken.TookOverStaleLock);
        Assert.Contains($"pid={Environment.ProcessId}", File.ReadAllText(Path.Combine(run.Path, RunLock.FileName)));
    }

    [Fact]
    public void BadWeightsLeaveNoRunFolder()
    {
        var csv = WriteManifest();
        var weights = Path.Combine(Root, "bad.pth");
        File.WriteAllText(weights, "not a checkpoint");
        var (code, output) = CliHarness.Run(["train", "classify", "--data", csv, "--out", Runs, "--weights", weights, .. Common]);
        Assert.Equal(2, code);
        Assert.Contains("bad.pth", Flat(output));
        Assert.Empty(RunFolders());
    }
}
