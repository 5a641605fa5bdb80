using MedLearn.Runs;
using MedLearn.Tests.Datasets;

namespace MedLearn.Tests.Runs;

public class RunDirectoryTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    [Fact]
    public void CreateNamesTheFolderByUtcTimeAndLabelAndExposesTheWellKnownPaths()
    {
        using var dir = new TempDir();
        // A non-UTC offset: the name uses UTC.
        var clock = new FixedClock(T0.ToOffset(TimeSpan.FromHours(5)));
        var run = RunDirectory.Create(dir["runs"], "resnet18 baseline/v1", clock);
        Assert.Equal("20250102-030405-resnet18-baseline-v1", run.Name);
        Assert.Equal(dir["runs/20250102-030405-resnet18-baseline-v1"], run.Path);
        Assert.Equal("resnet18-baseline-v1", run.Label);
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), run.CreatedUtc);
        Assert.Equal(Path.Combine(run.Path, "config.resolved.yaml"), run.ConfigPath);
        Assert.Equal(Path.Combine(run.Path, "split.csv"), run.SplitPath);
        Assert.Equal(Path.Combine(run.Path, "history.csv"), run.HistoryPath);
        Assert.Equal(Path.Combine(run.Path, "checkpoints"), run.CheckpointsDir);
        Assert.Equal(Path.Combine(run.Path, "metrics.json"), run.MetricsPath);
        Assert.Equal(Path.Combine(run.Path, "predictions.csv"), run.PredictionsPath);
        Assert.Equal(Path.Combine(run.Path, "report.html"), run.ReportPath);
        Assert.Equal(Path.Combine(run.Path, "tb"), run.TensorBoardDir);
        Assert.True(Directory.Exists(run.CheckpointsDir));
        Assert.True(Directory.Exists(run.TensorBoardDir));
        Assert.True(File.Exists(run.MarkerPath));
        // Nothing else is left in the root (no temporary folder).
        Assert.Equal([run.Path], Directory.GetFileSystemEntries(dir["runs"]));
    }

    [Fact]
    public void CollisionsGetNumberedSuffixesAndNeverReuseExistingFolders()
    {
        using var dir = new TempDir();
        var clock = new FixedClock(T0);
        var root = dir["runs"];
        // A foreign folder and a foreign file already hold the first two names.
        Directory.CreateDirectory(Path.Combine(root, "20250102-030405-exp"));
        File.WriteAllText(Path.Combine(root, "20250102-030405-exp", "keep.txt"), "mine");
        File.WriteAllText(Path.Combine(root, "20250102-030405-exp-2"), "a file");
        var a = RunDirectory.Create(root, "exp", clock);
        var b = RunDirectory.Create(root, "exp", clock);
        Assert.Equal("20250102-030405-exp-3", a.Name);
        Assert.Equal("20250102-030405-exp-4", b.Name);
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(Path.Combine(root, "20250102-030405-exp")).Select(Path.GetFileName));
        Assert.Equal("a file", File.ReadAllText(Path.Combine(root, "20250102-030405-exp-2")));
        // An empty existing folder is not taken over either.
        Directory.CreateDirectory(Path.Combine(root, "20250102-030405-exp-5"));
        Assert.Equal("20250102-030405-exp-6", RunDirectory.Create(root, "exp", clock).Name);
        Assert.False(RunDirectory.IsRunDirectory(Path.Combine(root, "20250102-030405-exp-5")));
    }

    [Fact]
    public void ConcurrentCreatorsGetDistinctFolders()
    {
        using var dir = new TempDir();
        var clock = new FixedClock(T0);
        const int n = 12;
        var runs = new RunDirectory[n];
        using var start = new Barrier(n);
        var threads = Enumerable.Range(0, n).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            runs[i] = RunDirectory.Create(dir["runs"], "race", clock);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var names = runs.Select(r => r.Name).Order(StringComparer.Ordinal).ToList();
        var expected = Enumerable.Range(1, n).Select(k => k == 1 ? "20250102-030405-race" : $"20250102-030405-race-{k}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, names);
        Assert.Equal(n, Directory.GetFileSystemEntries(dir["runs"]).Length); // no temporary folders left
        Assert.All(runs, r => Assert.True(RunDirectory.IsRunDirectory(r.Path)));
    }

    [Fact]
    public void OpenReadsAnExistingRunAndRejectsOtherFolders()
    {
        using var dir = new TempDir();
        var created = RunDirectory.Create(dir.Path, "exp", new FixedClock(T0));
        var opened = RunDirectory.Open(created.Path + Path.DirectorySeparatorChar);
        Assert.Equal((created.Path, created.Name, created.Label, created.CreatedUtc), (opened.Path, opened.Name, opened.Label, opened.CreatedUtc));

        var plain = dir["plain"];
        Directory.CreateDirectory(plain);
        var e = Assert.Throws<RunFileException>(() => RunDirectory.Open(plain));
        Assert.Equal($"{plain} is not a MedLearn run folder (it has no run.json; run folders are made by RunDirectory.Create)", e.Message);
        e = Assert.Throws<RunFileException>(() => RunDirectory.Open(dir["missing"]));
        Assert.Equal($"run folder {dir["missing"]} does not exist", e.Message);
        File.WriteAllText(Path.Combine(plain, "run.json"), "{\"format\": \"something-else\"}");
        e = Assert.Throws<RunFileException>(() => RunDirectory.Open(plain));
        Assert.Contains("not a MedLearn run marker", e.Message);
        File.WriteAllText(Path.Combine(plain, "run.json"), "{oops");
        e = Assert.Throws<RunFileException>(() => RunDirectory.Open(plain));
        Assert.Contains("not a valid run marker", e.Message);
        Assert.False(RunDirectory.IsRunDirectory(plain));
    }

    [Theory]
    [InlineData("baseline", "baseline")]
    [InlineData("  two  words ", "two-words")]
    [InlineData("../escape", "escape")]
    [InlineData("a/b\\c:d", "a-b-c-d")]
    [InlineData("fold_1.v-2", "fold_1.v-2")]
    public void LabelsAreSanitised(string label, string expected) => Assert.Equal(expected, RunDirectory.SanitizeLabel(label));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("..")]
    [InlineData("///")]
    public void UnusableLabelsAreRejected(string label) => Assert.Throws<ArgumentException>(() => RunDirectory.SanitizeLabel(label));
}
