using MedLearn.Cli.Distributed;
using MedLearn.Runs;

namespace MedLearn.Tests.Distributed;

/// <summary>How a worker of rank &gt; 0 rewrites its command line so that only rank 0 writes the run folder.</summary>
public sealed class RankSetupTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-ranksetup-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void ResumeCopiesTheRunFolderWithoutRankZerosLock()
    {
        var run = Path.Combine(_root.FullName, "runs", "r1");
        Directory.CreateDirectory(Path.Combine(run, "checkpoints"));
        File.WriteAllText(Path.Combine(run, "checkpoints", "last.pt"), "weights");
        File.WriteAllText(Path.Combine(run, "config.resolved.yaml"), "seed: 1");
        File.WriteAllText(Path.Combine(run, RunLock.FileName), $"pid={Environment.ProcessId}\nhost={Environment.MachineName}\n");
        var scratch = Path.Combine(_root.FullName, "scratch");

        var args = RankSetup.Redirect(["train", "classify", "--resume", run + "/"], scratch);

        var copy = Path.Combine(scratch, "r1");
        Assert.Equal(["train", "classify", "--resume", copy], args);
        Assert.Equal("weights", File.ReadAllText(Path.Combine(copy, "checkpoints", "last.pt")));
        Assert.Equal("seed: 1", File.ReadAllText(Path.Combine(copy, "config.resolved.yaml")));
        Assert.False(File.Exists(Path.Combine(copy, RunLock.FileName)));
        using var taken = RunLock.Acquire(copy); // the copy can be trained while rank 0 holds the original
        Assert.False(taken.TookOverStaleLock);
    }

    [Fact]
    public void ANewRunIsRedirectedToTheScratchFolder()
    {
        var scratch = Path.Combine(_root.FullName, "scratch");
        Assert.Equal(["train", "classify", "--data", "d", "--out", Path.Combine(scratch, "runs")],
            RankSetup.Redirect(["train", "classify", "--data", "d", "--out", "/shared/runs"], scratch));
        Assert.Equal(["train", "classify", "--out", Path.Combine(scratch, "runs")],
            RankSetup.Redirect(["train", "classify", "--out=/shared/runs"], scratch));
    }
}
