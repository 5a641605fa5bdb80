using System.Diagnostics;
using System.Globalization;
using MedLearn.Methods.Gmic;
using MedLearn.Models;
using MedLearn.Models.Gmic;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Optim;

namespace MedLearn.Bench;

/// <summary>
/// GMIC at full resolution (bench/gmic.sh; bench/python/gmic.py is the PyTorch side): one 2944x1920 image, 2 classes,
/// t = 0.02, K = 6 patches of 256 x 256. Modes: forward (eval, inference mode) or step (train, Adam lr 1e-5,
/// <see cref="GmicLoss"/> with beta 10^-4.5). Configurations: fp32 (NCHW), cl-bf16 (channels_last + bf16 autocast),
/// auto (Precision.Auto). --model resnet34 times a 1-class ResNet-34 forward on the same image instead.
/// </summary>
internal static class GmicBench
{
    public static string Run(IReadOnlyDictionary<string, string> options)
    {
        var config = options["config"];
        var mode = options.TryGetValue("gmic-mode", out var m) ? m : "forward";
        var modelName = options["model"] == "resnet34" ? "resnet34" : "gmic";
        var (warmup, iters) = (BenchUtil.Int(options, "warmup", 1), BenchUtil.Int(options, "iters", 3));
        var (height, width) = (BenchUtil.Int(options, "height", 2944), BenchUtil.Int(options, "width", 1920));
        var plan = config switch
        {
            "fp32" => new PrecisionPlan(Precision.Fp32, Device.CPU, null, MemoryFormat.Contiguous, false, "fp32 NCHW"),
            "cl-bf16" => new PrecisionPlan(Precision.Bf16, Device.CPU, DType.BFloat16, MemoryFormat.ChannelsLast, false, "channels_last + bf16 autocast"),
            "auto" => PrecisionPlan.Resolve(Precision.Auto, Device.CPU, spatialDims: 2),
            _ => throw new ArgumentException($"unknown config {config}"),
        };
        torch.ManualSeed(0);
        using var gmic = modelName == "gmic" ? new GmicModel(new GmicOptions()) : null;
        using var resnet = modelName == "resnet34" ? ResNet.ResNet34(numClasses: 1) : null;
        Torch.Nn.Module model = (Torch.Nn.Module?)gmic ?? resnet!;
        model.Train(mode == "step");
        plan.Apply(model);
        using var data = DisposeScope.Open();
        var x = plan.PrepareInput(torch.Randn(1, gmic is null ? 3 : 1, height, width));
        var target = torch.FromArray(new float[] { 0, 1 }, 1, 2);
        using var adam = mode == "step" ? new Adam(model.Parameters(), lr: 1e-5) : null;

        double Once()
        {
            using var scope = DisposeScope.Open();
            if (mode == "forward")
            {
                using var inference = GradMode.InferenceMode();
                using var autocast = plan.Autocast();
                return gmic is not null ? gmic.Forward(x).FusionLogits.To(DType.Float32).Sum().ToDouble() : resnet!.Forward(x).To(DType.Float32).Sum().ToDouble();
            }
            adam!.ZeroGrad();
            Tensor loss;
            using (plan.Autocast()) loss = GmicLoss.Compute(gmic!.Forward(x), target, Math.Pow(10, -4.5)).Total;
            loss.Backward();
            adam.Step();
            return loss.ToDouble();
        }

        for (var i = 0; i < warmup; i++) Once();
        var times = new List<double>();
        for (var i = 0; i < iters; i++)
        {
            var sw = Stopwatch.StartNew();
            Once();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"RESULT mode={mode} config={config} model={modelName} threads={torch.NumThreads} mean_ms={times.Average():F1} best_ms={times.Min():F1} peak_rss_mb={BenchUtil.StatusMb("VmHWM"):F0} plan={plan.Reason.Replace(' ', '_')}");
    }
}
