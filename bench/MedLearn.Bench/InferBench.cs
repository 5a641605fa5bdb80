using System.Diagnostics;
using System.Globalization;
using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Amp;

namespace MedLearn.Bench;

/// <summary>
/// Inference latency of <see cref="InferenceModel"/> (eval, conv/BN folded, channels_last, bf16 weights where the
/// precision plan says so, inference mode) on a fixed random image. Configurations: default (Precision.Auto),
/// fp32, bf16. The timed call is <c>InferenceModel.Forward</c> on a float32 NCHW input, so layout and dtype
/// conversions of the input and output are included.
/// </summary>
internal static class InferBench
{
    public static string Run(IReadOnlyDictionary<string, string> options)
    {
        var config = options["config"];
        var modelName = options["model"];
        var (warmup, iters, batch, size) = (BenchUtil.Int(options, "warmup", 10), BenchUtil.Int(options, "iters", 50),
            BenchUtil.Int(options, "batch", 1), BenchUtil.Int(options, "size", 224));
        var plan = config switch
        {
            "default" => PrecisionPlan.Resolve(Precision.Auto, Device.CPU),
            "fp32" => PrecisionPlan.Resolve(Precision.Fp32, Device.CPU),
            // float32 with NCHW activations and weights (PyTorch's eager default layout), conv/BN still folded
            "fp32-nchw" => new PrecisionPlan(Precision.Fp32, Device.CPU, null, MemoryFormat.Contiguous, false, "float32, contiguous (NCHW)"),
            "bf16" => PrecisionPlan.Resolve(Precision.Bf16, Device.CPU),
            _ => throw new ArgumentException($"unknown inference config {config}"),
        };

        torch.ManualSeed(0);
        using var inference = InferenceModel.Prepare(BenchUtil.Model(modelName, 1000), plan);
        using var data = DisposeScope.Open();
        var x = torch.Randn(batch, 3, size, size);

        double Once()
        {
            using var scope = DisposeScope.Open();
            return inference.Forward(x).Select(1, 0).Sum().ToDouble(); // reading a value waits for the result
        }

        for (var i = 0; i < warmup; i++) Once();
        var times = new List<double>(iters);
        double out0 = 0;
        for (var i = 0; i < iters; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            out0 = Once();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"RESULT mode=infer config={config} model={modelName} threads={torch.NumThreads} batch={batch} size={size} mean_ms={times.Average():F2} " +
            $"p50_ms={BenchUtil.Quantile(times, 0.5):F2} p95_ms={BenchUtil.Quantile(times, 0.95):F2} min_ms={times.Min():F2} " +
            $"peak_rss_mb={BenchUtil.StatusMb("VmHWM"):F0} folded={inference.FoldedPairs} weights={inference.WeightDType?.ToString() ?? "Float32"} " +
            $"plan=\"{inference.Plan.Reason}\" out0={out0:F4}");
    }
}
