using System.Diagnostics;
using System.Globalization;
using MedLearn.Methods.Segmentation;
using MedLearn.Models.Segmentation;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Optim;
using MedLearn.Training;

namespace MedLearn.Bench;

/// <summary>
/// UG-MCL at the paper's size (bench/ugmcl.sh; bench/python/ugmcl.py is the PyTorch side). Modes:
/// <list type="bullet">
/// <item>ugmcl-iter: one training iteration of <see cref="UgMclTask"/> (dual-task V-Net, 16 filters, default settings:
/// T = 8) on a batch of 4 patches 80x112x112 (2 labeled, a centred ball of radius min(patch)/3 as label), SGD lr 0.01
/// momentum 0.9 wd 1e-4, then the EMA update — what the trainer's step does.</item>
/// <item>ugmcl-window: <see cref="SlidingWindowInference"/> of a 88x120x120 volume with the default
/// <see cref="SlidingWindowOptions"/> (patch 80x112x112, stride 4/18/18: 12 windows), network in evaluation mode — what
/// <c>medlearn segment predict</c> runs (without the z-score and file I/O).</item>
/// </list>
/// Configurations: auto (Precision.Auto for a 3-D model, MedLearn's default), fp32 (contiguous float32), cl-fp32
/// (channels-last-3d float32), cl-bf16
/// (channels-last-3d + bf16 autocast).
/// </summary>
internal static class UgMclBench
{
    public static string Run(IReadOnlyDictionary<string, string> options)
    {
        var config = options["config"];
        var mode = options["mode"];
        var (warmup, iters) = (BenchUtil.Int(options, "warmup", 1), BenchUtil.Int(options, "iters", 2));
        var patch = Sizes(options, "patch", [80, 112, 112]);
        var volume = Sizes(options, "volume", [88, 120, 120]);
        var stride = Sizes(options, "stride", [4, 18, 18]);
        var filters = BenchUtil.Int(options, "filters", 16);
        var plan = config switch
        {
            "fp32" => new PrecisionPlan(Precision.Fp32, Device.CPU, null, MemoryFormat.Contiguous, false, "fp32 NCDHW"),
            "cl-fp32" => new PrecisionPlan(Precision.Fp32, Device.CPU, null, MemoryFormat.ChannelsLast3d, false, "channels_last_3d fp32"),
            "cl-bf16" => new PrecisionPlan(Precision.Bf16, Device.CPU, DType.BFloat16, MemoryFormat.ChannelsLast3d, false, "channels_last_3d + bf16 autocast"),
            "auto" => PrecisionPlan.Resolve(Precision.Auto, Device.CPU, spatialDims: 3),
            _ => throw new ArgumentException($"unknown config {config}"),
        };
        torch.ManualSeed(0);
        using var student = new VNet(new VNetOptions { BaseFilters = filters });
        Func<double> once = mode == "ugmcl-iter" ? Iteration(student, plan, patch, options) : Window(student, plan, patch, volume, stride, options);
        for (var i = 0; i < warmup; i++) once();
        var times = new List<double>();
        var check = 0.0;
        for (var i = 0; i < iters; i++)
        {
            var sw = Stopwatch.StartNew();
            check = once();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"RESULT mode={mode} config={config} threads={torch.NumThreads} mean_ms={times.Average():F1} best_ms={times.Min():F1} peak_rss_mb={BenchUtil.StatusMb("VmHWM"):F0} check={check:G6} plan={plan.Reason.Replace(' ', '_')}");
    }

    private static int[] Sizes(IReadOnlyDictionary<string, string> options, string key, int[] fallback) =>
        options.TryGetValue(key, out var v) ? [.. v.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] : fallback;

    private static Func<double> Iteration(VNet student, PrecisionPlan plan, int[] patch, IReadOnlyDictionary<string, string> options)
    {
        var teacher = UgMclTask.CreateTeacher(student);
        var settings = new UgMclSettings();
        if (options.TryGetValue("passes-per-forward", out var ppf)) settings = settings with { PassesPerForward = int.Parse(ppf, CultureInfo.InvariantCulture) };
        var task = new UgMclTask(student, teacher, settings);
        plan.Apply(student);
        plan.Apply(teacher);
        task.Prepare(new TrainingContext(plan, 0, 1));
        var sgd = new SGD(student.Parameters(), 0.01, momentum: 0.9, weightDecay: 1e-4);
        var images = torch.Randn(4, 1, patch[0], patch[1], patch[2]);
        var ball = Ball(patch, Math.Min(patch[0], Math.Min(patch[1], patch[2])) / 3);
        var masks = torch.Stack([ball, ball], 0);
        long step = 0;
        student.Train();
        return () =>
        {
            using var scope = DisposeScope.Open();
            UgMclLossTerms terms;
            using (plan.Autocast()) terms = task.ComputeLosses(images, masks, 2, step);
            sgd.ZeroGrad();
            terms.Total.Backward();
            sgd.Step();
            task.AfterOptimizerStep(new StepInfo(0, (int)step, 1, step, 1));
            step++;
            return terms.Total.ToDouble();
        };
    }

    /// <summary>[1, D, H, W] int64: 1 inside the ball of <paramref name="radius"/> around the patch centre (as the Python side).</summary>
    private static Tensor Ball(int[] patch, int radius)
    {
        var values = new long[patch[0] * patch[1] * patch[2]];
        var c = patch.Select(p => (p - 1) / 2.0).ToArray();
        for (var z = 0; z < patch[0]; z++)
        for (var y = 0; y < patch[1]; y++)
        for (var x = 0; x < patch[2]; x++)
            if ((z - c[0]) * (z - c[0]) + (y - c[1]) * (y - c[1]) + (x - c[2]) * (x - c[2]) <= radius * radius)
                values[(z * patch[1] + y) * patch[2] + x] = 1;
        return torch.FromSpan<long>(values, [1, patch[0], patch[1], patch[2]]);
    }

    private static Func<double> Window(VNet net, PrecisionPlan plan, int[] patch, int[] volume, int[] stride, IReadOnlyDictionary<string, string> options)
    {
        net.Eval();
        plan.Apply(net);
        var image = torch.Randn(1, volume[0], volume[1], volume[2]);
        var window = new SlidingWindowOptions { PatchSize = patch, Stride = stride };
        if (options.TryGetValue("window-batch", out var b)) window = window with { BatchSize = int.Parse(b, CultureInfo.InvariantCulture) };
        return () =>
        {
            using var scope = DisposeScope.Open();
            using var autocast = plan.Autocast();
            return SlidingWindowInference.Probabilities(x => net.Forward(plan.PrepareInput(x)), image, window).Select(0, 1).Sum().ToDouble();
        };
    }
}
