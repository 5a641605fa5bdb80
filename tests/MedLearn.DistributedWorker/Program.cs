using System.Globalization;
using MedLearn.Data.Datasets;
using MedLearn.Data.Loading;
using MedLearn.Data.Transforms;
using MedLearn.Data.Writers;
using MedLearn.Methods.Supervised;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Distributed;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Optim;
using MedLearn.Training;

// One rank of a distributed test job. The rank, world size and rendezvous come from the torchrun variables
// (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT, MEDLEARN_DIST_TIMEOUT). Modes:
//   join                         join the group, pass a barrier, print "joined rank R of W"
//   allreduce N                  all-reduce N floats equal to rank+1 (sum), print "sum <first value>", then all-gather the rank
//   loop                         all-reduce every 20 ms until a collective fails (the test kills a peer)
//   images DIR COUNT             write COUNT 8x8 RGB PNG images of two classes (seeded) under DIR (no group)
//   train DATA OUT EPOCHS BATCH  train a BN-free tiny CNN with the shared Trainer (global batch BATCH) and write the
//                                final parameters as raw float32 to OUT.rank{R}; world size 1 = plain single process
//                                (extra: --bn a model with BatchNorm, --sync-bn SyncBatchNorm, --grad-sync overlap|after-backward, --bucket-bytes N)
//   syncbn OUT SYNC DIMS         two training steps of a conv-BN model (DIMS 2 or 3) on a fixed global batch of 5 split
//                                2 + 3 over two ranks (all 5 in one process); SYNC 1 = SyncBatchNorm; writes the second
//                                step's output rows, gradients and the running statistics as text to OUT.rank{R}
// Failure: "error: <message>" on stderr, exit 1.
namespace MedLearn.DistributedWorker;

internal static class Worker
{
    private static int Main(string[] args)
    {
        try
        {
            var mode = args[0];
            if (mode == "images") { WriteImages(args[1], int.Parse(args[2], CultureInfo.InvariantCulture)); return 0; }
            var options = DistributedOptions.FromEnvironment();
            using var group = options.WorldSize > 1 ? ProcessGroup.Join(options) : null;
            switch (mode)
            {
                case "join":
                    group!.Barrier();
                    Console.WriteLine($"joined rank {group.Rank} of {group.WorldSize}");
                    break;
                case "allreduce":
                {
                    var n = int.Parse(args[1], CultureInfo.InvariantCulture);
                    using var t = torch.Full([n], group!.Rank + 1.0);
                    group.AllReduce(t, ReduceOp.Sum);
                    var values = t.ToArray<float>();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sum {values[0]} min {values.Min()} max {values.Max()}"));
                    using var r = torch.FromArray(new long[] { group.Rank * 10 }, 1);
                    var gathered = group.AllGather(r);
                    Console.WriteLine("gathered " + string.Join(',', gathered.Select(g => g.ToArray<long>()[0])));
                    foreach (var g in gathered) g.Dispose();
                    break;
                }
                case "loop":
                {
                    using var t = torch.Ones(4);
                    Console.WriteLine("looping");
                    for (var i = 0; ; i++)
                    {
                        group!.AllReduce(t, ReduceOp.Average);
                        Thread.Sleep(20);
                    }
                }
                case "syncbn":
                    SyncBnSteps(group, args[1], args[2] == "1", int.Parse(args[3], CultureInfo.InvariantCulture));
                    break;
                case "train":
                    Train(group, args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture), args[5..]);
                    break;
                default:
                    throw new ArgumentException($"unknown mode {mode}");
            }
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 1;
        }
    }

    static void WriteImages(string dir, int count)
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(7);
        for (var i = 0; i < count; i++)
        {
            var cls = i % 2 == 0 ? "a" : "b";
            Directory.CreateDirectory(Path.Combine(dir, cls));
            var img = (torch.Rand([3, 8, 8]) * 120 + (cls == "a" ? 0 : 100)).To(DType.UInt8);
            PngWriter.Write(img, Path.Combine(dir, cls, $"{cls}_{i:D3}.png"));
        }
    }

    // Extra train options: --checkpoints DIR (last.pt there), --stop-at STEP (rank 0 alone requests a stop after that
    // global step, as a Ctrl-C reaching one process), --resume FILE.
    static void Train(ProcessGroup? group, string data, string output, int epochs, int batch, string[] extra)
    {
        string? Opt(string name) => Array.IndexOf(extra, name) is var i and >= 0 ? extra[i + 1] : null;
        using var stop = new CancellationTokenSource();
        var stopAt = Opt("--stop-at") is { } s ? long.Parse(s, CultureInfo.InvariantCulture) : -1;
        torch.ManualSeed(1);
        using var model = new TinyNet(extra.Contains("--bn"));
        using var optimizer = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9);
        var dataset = FolderDataset.Load(data);
        var loader = new DataLoader(dataset, new ScaleIntensity(), new DataLoaderOptions { BatchSize = batch, Shuffle = true, Seed = 3, Workers = 0 });
        var trainer = new Trainer(new SupervisedClassificationTask(model, 2), optimizer, null, new TrainerOptions
        {
            Epochs = epochs,
            Precision = Precision.Fp32,
            Seed = 3,
            MonitorMetric = "train_loss",
            MonitorGoal = MetricGoal.Minimize,
            DistributedGroup = group,
            SyncBatchNorm = extra.Contains("--sync-bn"),
            GradientBucketBytes = Opt("--bucket-bytes") is { } bb ? long.Parse(bb, CultureInfo.InvariantCulture) : ProcessGroup.DefaultBucketBytes,
            GradientSync = Opt("--grad-sync") is { } gs ? DistributedOptions.ParseGradientSync(gs, "--grad-sync") : DistributedOptions.DefaultGradientSync,
            CheckpointDirectory = Opt("--checkpoints"),
        }, [new StopAt(stopAt, (group?.Rank ?? 0) == 0 ? stop : null)]);
        var result = trainer.Fit(loader, null, Opt("--resume"), stop.Token);
        Console.WriteLine($"status {result.Status}");
        if (result.Status is not (TrainingStatus.Completed or TrainingStatus.Cancelled)) throw new InvalidOperationException(result.Message);
        Console.WriteLine("losses " + string.Join(' ', result.History.Select(h => h.Get("train_loss").ToString("R", CultureInfo.InvariantCulture))));
        var values = model.StateDict().Values.SelectMany(t => t.To(DType.Float32).Contiguous().Flatten().ToArray<float>()).ToArray();
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        File.WriteAllBytes($"{output}.rank{group?.Rank ?? 0}", bytes);
    }

    // SyncBatchNorm against one process on the concatenated batch: the same weights (seeded), the global batch of 5 split
    // 2 + 3, the loss a mean over the local samples, gradients weighted n_r/N and summed as the trainer does.
    static void SyncBnSteps(ProcessGroup? group, string output, bool sync, int dims)
    {
        var rank = group?.Rank ?? 0;
        torch.ManualSeed(5);
        using var model = new ConvBn(dims);
        using var x = torch.Randn(dims == 2 ? [5, 3, 6, 6] : [5, 3, 4, 4, 4]) * 2 + 0.5;
        using var target = torch.FromArray(new long[] { 0, 1, 1, 0, 1 }, 5);
        var (start, count) = group is null ? (0, 5) : rank == 0 ? (0, 2) : (2, 3);
        if (group is not null && sync) SyncBatchNorm.Convert(model, group);
        model.Train();
        using var optimizer = new SGD(model.Parameters(), lr: 0.5);
        var lines = new List<string>();
        for (var step = 0; step < 2; step++)
        {
            using var scope = DisposeScope.Open();
            optimizer.ZeroGrad();
            var y = model.Forward(x.Narrow(0, start, count));
            var loss = Functional.CrossEntropy(y, target.Narrow(0, start, count));
            group?.SetGradientWeight(count / 5.0);
            loss.Backward();
            group?.AllReduceGradients([.. model.Parameters()], count / 5.0);
            if (step == 1)
            {
                lines.Add("output " + Join(y));
                foreach (var (name, p) in model.NamedParameters()) lines.Add($"grad.{name} " + Join(p.Grad!));
            }
            optimizer.Step();
        }
        foreach (var (name, b) in model.NamedBuffers()) lines.Add($"buffer.{name} " + Join(b.To(DType.Float64)));
        File.WriteAllLines($"{output}.rank{rank}", lines);
    }

    static string Join(Tensor t) => string.Join(' ', t.Detach().To(DType.Float64).Contiguous().Flatten().ToArray<double>().Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}

/// <summary>Conv → BatchNorm (2D or 3D) → ReLU → global average → linear.</summary>
internal sealed class ConvBn : Module<Tensor, Tensor>
{
    private readonly Sequential _body;

    public ConvBn(int dims) => _body = RegisterModule("body", dims == 2
        ? new Sequential(new Conv2d(3, 4, 3, padding: 1), new BatchNorm2d(4), new ReLU(), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(4, 2))
        : new Sequential(new Conv3d(3, 4, 3, padding: 1), new BatchNorm3d(4), new ReLU(), new AdaptiveAvgPool3d(1), new Flatten(), new Linear(4, 2)));

    public override Tensor Forward(Tensor input) => _body.Forward(input);
}

internal sealed class StopAt(long step, CancellationTokenSource? source) : ITrainingCallback
{
    public void OnStep(StepReport report)
    {
        if (report.GlobalStep == step) source?.Cancel();
    }
}

/// <summary>Conv, ReLU, pooling, linear; BN-free (per-rank batch statistics cannot make the ranks differ) unless built with batch norm.</summary>
internal sealed class TinyNet : Module<Tensor, Tensor>
{
    private readonly Sequential _body;

    public TinyNet(bool batchNorm = false) => _body = RegisterModule("body", batchNorm
        ? new Sequential(new Conv2d(3, 4, 3, padding: 1), new BatchNorm2d(4), new ReLU(), new AdaptiveAvgPool2d(2), new Flatten(), new Linear(16, 2))
        : new Sequential(
        new Conv2d(3, 4, 3, padding: 1),
        new ReLU(),
        new AdaptiveAvgPool2d(2),
        new Flatten(),
        new Linear(16, 2)));

    public override Tensor Forward(Tensor input) => _body.Forward(input);
}
