using System.Diagnostics;
using System.Globalization;
using MedLearn.Explain;
using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Nn;

namespace MedLearn.Bench;

/// <summary>
/// One full occlusion map of a fixed random 224x224 image (window 20, stride 4, zero fill: 52 x 52 = 2704 positions)
/// on ResNet-18 (torchvision init, seed 0, 1000 classes), timed end to end after one untimed warm-up map on a few
/// positions. Configurations:
///   batched        OcclusionSensitivity.Compute with the InferenceModel of Precision.Auto, --batch copies per forward
///   batched-fp32   the same with a float32 InferenceModel (folded, channels-last)
///   naive          a hand-written loop, one forward per position (clone, zero the window, forward, accumulate),
///                  with the same Precision.Auto InferenceModel: what batching alone buys
///   naive-eager    the same loop with the plain float32 model (no folding, NCHW) under no-grad: a first attempt
/// Prints RESULT mode=occlusion config=... seconds=... positions=... ms_per_position=... p0=... map_max=... argmax=...
/// </summary>
internal static class OcclusionBench
{
    private const int Window = 20;
    private const int Stride = 4;

    public static string Run(IReadOnlyDictionary<string, string> options)
    {
        var config = options["config"];
        var size = BenchUtil.Int(options, "size", 224);
        var batch = BenchUtil.Int(options, "batch", 16);
        torch.ManualSeed(0);
        var model = BenchUtil.Model(options["model"], 1000);
        using var data = DisposeScope.Open();
        var x = torch.Randn(1, 3, size, size).Squeeze(0);
        Func<Tensor, Tensor> forward;
        IDisposable owner;
        switch (config)
        {
            case "batched" or "naive":
                var auto = InferenceModel.Prepare(model, Precision.Auto);
                (forward, owner) = (auto.Forward, auto);
                break;
            case "batched-fp32":
                var fp32 = InferenceModel.Prepare(model, Precision.Fp32);
                (forward, owner) = (fp32.Forward, fp32);
                break;
            case "naive-eager":
                model.Eval();
                (forward, owner) = (t => { using var g = GradMode.NoGrad(); return model.Forward(t); }, model);
                break;
            default:
                throw new ArgumentException($"unknown occlusion config {config}");
        }
        using (owner)
        {
            // Warm-up (untimed): a small map, so one-time costs (oneDNN kernel creation) are not counted.
            using (DisposeScope.Open())
            {
                if (config.StartsWith("batched", StringComparison.Ordinal))
                    OcclusionSensitivity.Compute(forward, x, new OcclusionOptions { Window = [Window], Stride = [size / 2], BatchSize = batch }).Dispose();
                else
                    Naive(forward, x, size / 2);
            }
            var t0 = Stopwatch.GetTimestamp();
            Tensor map;
            int positions;
            double p0;
            if (config.StartsWith("batched", StringComparison.Ordinal))
            {
                var result = OcclusionSensitivity.Compute(forward, x, new OcclusionOptions { Window = [Window], Stride = [Stride], BatchSize = batch });
                (map, positions, p0) = (result.Map, result.Positions, result.TargetProbability);
            }
            else
            {
                (map, positions, p0) = Naive(forward, x, Stride);
            }
            var seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            var max = map.Max().ToDouble();
            var argmax = map.Reshape(-1).Argmax().ToInt64();
            return string.Create(CultureInfo.InvariantCulture,
                $"RESULT mode=occlusion config={config} model={options["model"]} threads={torch.NumThreads} batch={(config.StartsWith("naive", StringComparison.Ordinal) ? 1 : batch)} " +
                $"size={size} window={Window} stride={Stride} positions={positions} seconds={seconds:F2} ms_per_position={seconds * 1000 / positions:F2} " +
                $"peak_rss_mb={BenchUtil.StatusMb("VmHWM"):F0} p0={p0:F6} map_max={max:F6} argmax={argmax / size},{argmax % size}");
        }
    }

    /// <summary>The unbatched loop a user writes first: per position one occluded copy, one forward pass, and the map by accumulation.</summary>
    private static (Tensor Map, int Positions, double P0) Naive(Func<Tensor, Tensor> forward, Tensor image, int stride)
    {
        var (h, w) = (image.Size(1), image.Size(2));
        var sum = torch.Zeros([h, w], DType.Float64);
        var count = torch.Zeros([h, w], DType.Float64);
        double P(Tensor input, int cls = -1)
        {
            using var scope = DisposeScope.Open();
            var p = Functional.Softmax(forward(input.Unsqueeze(0)).To(DType.Float64), 1).Select(0, 0);
            return cls < 0 ? p.Argmax().ToInt64() : p.Select(0, cls).ToDouble();
        }
        var target = (int)P(image);
        var p0 = P(image, target);
        var starts = (long length) =>
        {
            var s = new List<long>();
            for (var v = 0L; v + Window <= length; v += stride) s.Add(v);
            if (s[^1] + Window < length) s.Add(length - Window);
            return s;
        };
        var positions = 0;
        foreach (var y in starts(h))
            foreach (var x0 in starts(w))
            {
                using var scope = DisposeScope.Open();
                var occluded = image.Clone();
                occluded.Narrow(1, y, Window).Narrow(2, x0, Window).Mul_(0);
                var drop = p0 - P(occluded, target);
                sum.Narrow(0, y, Window).Narrow(1, x0, Window).Add_(drop);
                count.Narrow(0, y, Window).Narrow(1, x0, Window).Add_(1);
                positions++;
            }
        return ((sum / count.Clamp(min: 1)).To(DType.Float32), positions, p0);
    }
}
