using System.Diagnostics;
using System.Globalization;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Distributed;
using MedLearn.Torch.Optim;
using F = MedLearn.Torch.Nn.Functional;

namespace MedLearn.Bench;

/// <summary>
/// Training-step throughput: batch of random 3x224x224 images, 4 classes, cross-entropy, SGD(lr 0.01, momentum 0.9).
/// Configurations: fp32 (NCHW), cl (fp32 channels_last), cl-bf16 (channels_last + bf16 autocast), auto (Precision.Auto).
/// </summary>
internal static class TrainBench
{
    public static string Run(IReadOnlyDictionary<string, string> options)
    {
        var config = options["config"];
        var modelName = options["model"];
        var (warmup, steps, batch) = (BenchUtil.Int(options, "warmup", 3), BenchUtil.Int(options, "steps", 10), BenchUtil.Int(options, "batch", 16));
        var auto = PrecisionPlan.Resolve(Precision.Auto, Device.CPU, spatialDims: 2);
        var plan = config switch
        {
            "fp32" => new PrecisionPlan(Precision.Fp32, Device.CPU, null, MemoryFormat.Contiguous, false, "fp32 NCHW"),
            "cl" => new PrecisionPlan(Precision.Fp32, Device.CPU, null, MemoryFormat.ChannelsLast, false, "fp32 channels_last"),
            "cl-bf16" => PrecisionPlan.Resolve(Precision.Bf16, Device.CPU, spatialDims: 2),
            "auto" => auto,
            _ => throw new ArgumentException($"unknown config {config}"),
        };

        // Data parallel (bench/ddp.sh): WORLD_SIZE > 1 in the environment = one rank of a job; --batch is the global
        // batch, each rank computes its share and the gradients are all-reduced as the trainer does: --grad-sync overlap
        // (async buckets from accumulator hooks during backward) or after-backward (default here; bench/ddp.sh sets it).
        var gradSync = options.TryGetValue("grad-sync", out var gs) ? DistributedOptions.ParseGradientSync(gs, "--grad-sync") : GradientSync.AfterBackward;
        using var group = DistributedOptions.IsDistributedEnvironment() ? ProcessGroup.Join(DistributedOptions.FromEnvironment()) : null;
        var world = group?.WorldSize ?? 1;
        var globalBatch = batch;
        batch /= world;
        torch.ManualSeed(0);
        using var model = BenchUtil.Model(modelName, 4);
        model.Train();
        using var data = DisposeScope.Open();
        var x = plan.PrepareInput(torch.Randn(batch, 3, 224, 224));
        var y = torch.Randint(0, 4, [batch]);
        plan.Apply(model);
        using var sgd = new SGD(model.Parameters(), lr: 0.01, momentum: 0.9);
        var parameters = model.Parameters().ToArray();
        using var overlapped = group is not null && gradSync == GradientSync.Overlapped ? new OverlappedGradientSync(group, parameters) : null;

        double Step()
        {
            using var scope = DisposeScope.Open();
            sgd.ZeroGrad();
            Tensor loss;
            using (plan.Autocast()) loss = F.CrossEntropy(model.Forward(x), y);
            overlapped?.Prepare(1.0 / world);
            loss.Backward();
            if (overlapped is not null) overlapped.Finish();
            else group?.AllReduceGradients(parameters, 1.0 / world);
            sgd.Step();
            return loss.ToDouble();
        }

        for (var i = 0; i < warmup; i++) Step();
        group?.Barrier();
        // Mean throughput over the timed steps, and the fastest single step (less sensitive to other processes
        // competing for the cores).
        var sw = Stopwatch.StartNew();
        double last = 0, best = double.MaxValue;
        for (var i = 0; i < steps; i++)
        {
            var t0 = sw.Elapsed.TotalSeconds;
            last = Step();
            best = Math.Min(best, sw.Elapsed.TotalSeconds - t0);
        }
        sw.Stop();
        var seconds = sw.Elapsed.TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"RESULT config={config} model={modelName} world={world} grad_sync={(group is null ? "none" : gradSync == GradientSync.Overlapped ? "overlap" : "after-backward")} threads={torch.NumThreads} img_per_s={globalBatch * steps / seconds:F2} best_img_per_s={globalBatch / best:F2} step_ms={1000 * seconds / steps:F1} " +
            $"peak_rss_mb={BenchUtil.StatusMb("VmHWM"):F0} loss={last:F4} auto_resolves_to={Name(auto)}");
    }

    private static string Name(PrecisionPlan p) => (p.MemoryFormat, p.AutocastDType) switch
    {
        (MemoryFormat.Contiguous, null) => "fp32",
        (MemoryFormat.ChannelsLast, null) => "cl",
        (MemoryFormat.ChannelsLast, DType.BFloat16) => "cl-bf16",
        _ => p.ToString(),
    };
}
