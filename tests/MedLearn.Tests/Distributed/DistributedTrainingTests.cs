using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MedLearn.Tests.Distributed;

/// <summary>
/// Data-parallel training and c10d collectives with real processes on 127.0.0.1 (each rank a separate process of
/// the test worker, or Python's torch.distributed): identical parameters on every rank and equality with single-process
/// training on the global batch, Python interoperability, and the failure modes (dead peer, missing rank, world-size
/// mismatch, port in use, ranks with different settings).
/// </summary>
public sealed class DistributedTrainingTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("medlearn-ddp-");

    public void Dispose() => _root.Delete(recursive: true);

    private string Images(int count)
    {
        var dir = Path.Combine(_root.FullName, "data");
        var (code, _, err) = DistributedJob.Finish(DistributedJob.StartWorker(0, 1, 1, 10, "images", dir, count.ToString(System.Globalization.CultureInfo.InvariantCulture)), Limit);
        Assert.True(code == 0, err);
        return dir;
    }

    private static float[] Floats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    [Fact]
    public void TwoRanksEndWithIdenticalParametersEqualToSingleProcessTrainingOnTheGlobalBatch()
    {
        // 21 images, global batch 8: steps of 8, 8 and 5 per epoch; the last splits 2 + 3 over the ranks, so the
        // gradient weighting by each rank's share of the global batch is exercised too.
        var data = Images(21);
        var single = Path.Combine(_root.FullName, "single");
        var parallel = Path.Combine(_root.FullName, "ddp");
        var s = DistributedJob.Finish(DistributedJob.StartWorker(0, 1, 1, 30, "train", data, single, "3", "8"), Limit);
        Assert.True(s.Code == 0, s.Err);

        var port = DistributedJob.FreePort();
        var ranks = new[] { 0, 1 }.Select(r => DistributedJob.StartWorker(r, 2, port, 30, "train", data, parallel, "3", "8")).ToArray();
        var results = ranks.Select(p => DistributedJob.Finish(p, Limit)).ToArray();
        foreach (var r in results) Assert.True(r.Code == 0, r.Err + r.Out);

        var p0 = Floats(parallel + ".rank0");
        var p1 = Floats(parallel + ".rank1");
        var reference = Floats(single + ".rank0");
        Assert.Equal(146, p0.Length);
        // The ranks apply the same all-reduced gradient to the same broadcast weights: bit-identical.
        Assert.Equal(p0, p1);
        // Against one process on the concatenated batch the only difference is float32 summation order (a per-rank
        // mean weighted by n_r/N instead of one mean over N): a few ulp per step. Measured max 2.8e-7 after 9 SGD
        // steps; 1e-5 leaves ~35x margin and stays far below one update (lr 0.1 x gradients ~1e-2), while a wrong
        // weighting of the uneven last batch moved the parameters by ~1e-3.
        var maxDiff = p0.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff < 1e-5, $"max |ddp - single| = {maxDiff}");
        Assert.True(p0.Zip(reference).Any(t => t.First != 0), "the parameters are all zero");
        // Epoch losses are reduced over the ranks: both ranks report the global mean.
        Assert.Equal(results[0].Out, results[1].Out);
    }

    [Theory]
    [InlineData(false)] // MedLearn rank 0 hosts the store, Python joins as rank 1
    [InlineData(true)]  // Python rank 0 hosts the store, MedLearn joins as rank 1
    public void AMedLearnRankAndAPythonTorchDistributedRankAllReduceTogether(bool pythonFirst)
    {
        // Start-up (importing torch, starting .NET) can take tens of seconds on a loaded machine: when Python hosts the
        // store, MedLearn starts once the store listens, and both sides get 90 s to meet (a flake under load was the
        // joining side giving up before the host had started).
        var port = DistributedJob.FreePort();
        var medlearnRank = pythonFirst ? 1 : 0;
        var python = DistributedJob.StartPython(1 - medlearnRank, 2, port, 90, "100000");
        if (pythonFirst) Assert.True(DistributedJob.WaitForListener(port, TimeSpan.FromSeconds(90)), "python rank 0 never opened its store");
        var clock = Stopwatch.StartNew();
        var medlearn = DistributedJob.StartWorker(medlearnRank, 2, port, 90, "allreduce", "100000");
        var m = DistributedJob.Finish(medlearn, TimeSpan.FromSeconds(150));
        var py = DistributedJob.Finish(python, TimeSpan.FromSeconds(150));
        // Regression: a MedLearn client did not check in on the store's init key, so a Python rank 0 sat out its whole
        // timeout (90 s) in the TCPStore constructor before the job could start.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the job took {clock.Elapsed} (timeout 90 s)");
        Assert.True(py.Code == 0, "python: " + py.Err);
        Assert.True(m.Code == 0, "medlearn: " + m.Err);
        // 1 + 2 on every one of the 100000 elements, on both sides; all-gather in rank order.
        Assert.Contains("sum 3 min 3 max 3", m.Out);
        Assert.Contains("sum 3 min 3 max 3", py.Out);
        Assert.Contains("gathered 0,10", m.Out);
        Assert.Contains("gathered 0,10", py.Out);
    }

    [Fact]
    public void ARankThatDiesMakesTheOtherExitWithAClearErrorWithinTheTimeout()
    {
        var port = DistributedJob.FreePort();
        var survivor = DistributedJob.StartWorker(0, 2, port, 10, "loop");
        var victim = DistributedJob.StartWorker(1, 2, port, 10, "loop");
        Assert.Equal("looping", victim.StandardOutput.ReadLine());
        Thread.Sleep(300);
        var clock = Stopwatch.StartNew();
        victim.Kill();
        victim.WaitForExit();
        victim.Dispose();
        var (code, _, err) = DistributedJob.Finish(survivor, Limit);
        Assert.Equal(1, code);
        Assert.Contains("all-reduce failed on rank 0 of 2", err);
        Assert.Contains("a peer process probably exited", err);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10 + 5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void ARankThatNeverJoinsIsNamedAfterTheTimeout()
    {
        var port = DistributedJob.FreePort();
        var clock = Stopwatch.StartNew();
        var (code, _, err) = DistributedJob.Finish(DistributedJob.StartWorker(0, 3, port, 3, "join"), Limit);
        Assert.Equal(1, code);
        Assert.Contains("rank 0 of 3", err);
        Assert.Contains("ranks 1, 2 never joined", err);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public void AWorldSizeMismatchIsReportedWithBothSizes()
    {
        var port = DistributedJob.FreePort();
        var r0 = DistributedJob.StartWorker(0, 2, port, 4, "join");
        var r1 = DistributedJob.StartWorker(1, 3, port, 4, "join");
        var a = DistributedJob.Finish(r0, Limit);
        var b = DistributedJob.Finish(r1, Limit);
        Assert.Equal(1, a.Code);
        Assert.Equal(1, b.Code);
        Assert.Contains("world size mismatch: rank 1 was started with WORLD_SIZE=3, rank 0 with WORLD_SIZE=2", a.Err);
        Assert.Contains("world size mismatch: rank 0 was started with WORLD_SIZE=2, rank 1 with WORLD_SIZE=3", b.Err);
    }

    [Fact]
    public void APortInUseIsReportedByRankZero()
    {
        using var squatter = new TcpListener(IPAddress.Any, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var (code, _, err) = DistributedJob.Finish(DistributedJob.StartWorker(0, 2, port, 3, "join"), Limit);
        Assert.Equal(1, code);
        Assert.Contains($"rank 0 could not host the rendezvous store on 127.0.0.1:{port} (is the port in use?", err);
    }

    [Fact]
    public void RanksWithDifferentSettingsStopAtStartNamingWhatDiffers()
    {
        var data = Images(12);
        var port = DistributedJob.FreePort();
        var r0 = DistributedJob.StartWorker(0, 2, port, 20, "train", data, Path.Combine(_root.FullName, "x"), "1", "4");
        var r1 = DistributedJob.StartWorker(1, 2, port, 20, "train", data, Path.Combine(_root.FullName, "x"), "2", "4");
        var a = DistributedJob.Finish(r0, Limit);
        var b = DistributedJob.Finish(r1, Limit);
        Assert.Equal(1, a.Code);
        Assert.Equal(1, b.Code);
        Assert.Contains("the processes of this distributed run disagree: trainer settings of rank 1 differ from rank 0's", a.Err);
        Assert.DoesNotContain("training data", a.Err);
        Assert.False(File.Exists(Path.Combine(_root.FullName, "x.rank0")));
    }

    [Fact]
    public void AStopOnOneRankStopsBothAndTheRunResumesOnOneProcessAsIfUninterrupted()
    {
        // 2 ranks, 3 epochs of 3 global batches; only rank 0 is asked to stop after global step 4 (mid epoch 2): both
        // stop there, rank 0 saves last.pt. One process resumes it and must end where uninterrupted training ends.
        var data = Images(21);
        var straight = Path.Combine(_root.FullName, "straight");
        var s = DistributedJob.Finish(DistributedJob.StartWorker(0, 1, 1, 30, "train", data, straight, "3", "8"), Limit);
        Assert.True(s.Code == 0, s.Err);

        var checkpoints = Path.Combine(_root.FullName, "ckpt");
        var port = DistributedJob.FreePort();
        var ranks = new[] { 0, 1 }.Select(r => DistributedJob.StartWorker(r, 2, port, 30, "train", data, Path.Combine(_root.FullName, "part"), "3", "8",
            "--checkpoints", checkpoints, "--stop-at", "4")).ToArray();
        var parts = ranks.Select(p => DistributedJob.Finish(p, Limit)).ToArray();
        foreach (var r in parts)
        {
            Assert.True(r.Code == 0, r.Err);
            Assert.Contains("status Cancelled", r.Out);
        }
        Assert.Equal(["best-epoch001.pt", "last.pt"], Directory.GetFiles(checkpoints).Select(Path.GetFileName).Order());

        var resumed = Path.Combine(_root.FullName, "resumed");
        var r1 = DistributedJob.Finish(DistributedJob.StartWorker(0, 1, 1, 30, "train", data, resumed, "3", "8",
            "--resume", Path.Combine(checkpoints, "last.pt")), Limit);
        Assert.True(r1.Code == 0, r1.Err);
        Assert.Contains("status Completed", r1.Out);
        var maxDiff = Floats(resumed + ".rank0").Zip(Floats(straight + ".rank0"), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff < 1e-5, $"max |resumed - straight| = {maxDiff}");
    }

    private (float[] Rank0, float[] Rank1, string Out) TrainTwoRanks(string data, string name, params string[] extra)
    {
        var output = Path.Combine(_root.FullName, name);
        var port = DistributedJob.FreePort();
        var ranks = new[] { 0, 1 }.Select(r => DistributedJob.StartWorker(r, 2, port, 30, ["train", data, output, "3", "8", .. extra])).ToArray();
        var results = ranks.Select(p => DistributedJob.Finish(p, Limit)).ToArray();
        foreach (var r in results) Assert.True(r.Code == 0, r.Err + r.Out);
        return (Floats(output + ".rank0"), Floats(output + ".rank1"), results[0].Out);
    }

    [Fact]
    public void TheGradientAllReduceOverlappedWithBackwardEndsBitIdenticalToTheAfterBackwardPath()
    {
        // 9 steps (the last split 2 + 3). Buckets of 64 bytes give one bucket per parameter tensor (or part of one),
        // so the overlapped path launches several all-reduces from inside backward, in reverse order; with two ranks each
        // element is still a + b of the same two weighted gradients, so the parameters must agree bit for bit.
        var data = Images(21);
        var overlapped = TrainTwoRanks(data, "overlap", "--grad-sync", "overlap", "--bucket-bytes", "64");
        var after = TrainTwoRanks(data, "after", "--grad-sync", "after-backward", "--bucket-bytes", "64");
        Assert.Equal(after.Rank0, overlapped.Rank0);
        Assert.Equal(overlapped.Rank0, overlapped.Rank1);
        Assert.Equal(after.Out, overlapped.Out);
        // And with BatchNorm (per-rank statistics, gradients through the buffers' layer) and the default 25 MB bucket.
        var bnOverlapped = TrainTwoRanks(data, "bn-overlap", "--bn", "--grad-sync", "overlap");
        var bnAfter = TrainTwoRanks(data, "bn-after", "--bn", "--grad-sync", "after-backward");
        Assert.Equal(bnAfter.Rank0, bnOverlapped.Rank0);
    }

    [Fact]
    public void TrainingWithSyncBatchNormOnTwoRanksEqualsOneProcessOnTheGlobalBatch()
    {
        // A model with BatchNorm, 9 SGD steps with momentum, global batch 8 (4 + 4) and a last batch of 5 (2 + 3): with
        // SyncBatchNorm the ranks see the global statistics, so training equals one process on the concatenated batches.
        var data = Images(21);
        var single = Path.Combine(_root.FullName, "single-bn");
        var s = DistributedJob.Finish(DistributedJob.StartWorker(0, 1, 1, 30, "train", data, single, "3", "8", "--bn"), Limit);
        Assert.True(s.Code == 0, s.Err);
        var reference = Floats(single + ".rank0");
        var synced = TrainTwoRanks(data, "sync-bn", "--bn", "--sync-bn");
        var perRank = TrainTwoRanks(data, "per-rank-bn", "--bn");
        Assert.Equal(synced.Rank0, synced.Rank1);
        Assert.Equal(reference.Length, synced.Rank0.Length);
        // State dict = parameters, running statistics and num_batches_tracked. Float32 summation order differs per step
        // (measured 1.8e-7, as the BN-free test's 2.8e-7); 1e-5 leaves ~50x margin, while the per-rank default ends 7e-2 away.
        var syncDiff = synced.Rank0.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
        var perRankDiff = perRank.Rank0.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(syncDiff < 1e-5, $"max |sync-bn ddp - single| = {syncDiff}");
        Assert.True(perRankDiff > 1e-3, $"per-rank statistics ended within {perRankDiff} of the single process");
    }
}
