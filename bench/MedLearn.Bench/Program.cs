using System.Globalization;
using MedLearn.Bench;
using MedLearn.Torch;

// Model benchmarks, one configuration per process (bench/run.sh and bench/models.sh drive it):
//   dotnet MedLearn.Bench.dll --config fp32|cl|cl-bf16|auto --threads N [--model resnet18|resnet50] [--warmup 3] [--steps 10] [--batch 16]
//       training step; prints RESULT config=... model=... img_per_s=... best_img_per_s=... step_ms=... peak_rss_mb=... loss=...
//   dotnet MedLearn.Bench.dll --mode infer --config default|fp32|fp32-nchw|bf16 --threads N [--model resnet18] [--warmup 10] [--iters 50] [--batch 1] [--size 224]
//       inference latency; prints RESULT mode=infer config=... mean_ms=... p50_ms=... p95_ms=... peak_rss_mb=... out0=...
//   dotnet MedLearn.Bench.dll --mode onnx --config ort --threads N [--model resnet18] [--warmup 10] [--iters 50] [--batch 1] [--size 224]
//       the same network exported by MedLearn's ONNX exporter, latency in ONNX Runtime (bench/onnx.sh); prints RESULT mode=onnx ... mean_ms=...
//   dotnet MedLearn.Bench.dll --mode occlusion --config batched|batched-fp32|naive|naive-eager --threads N [--model resnet18] [--batch 16] [--size 224]
//       one occlusion map (window 20, stride 4); prints RESULT mode=occlusion config=... seconds=... ms_per_position=... (bench/occlusion.sh)
//   dotnet MedLearn.Bench.dll --mode gmic --gmic-mode forward|step --config fp32|cl-bf16|auto --threads N [--model gmic|resnet34] [--warmup 1] [--iters 3]
//       one 2944x1920 image (bench/gmic.sh); prints RESULT mode=... config=... model=... mean_ms=... best_ms=... peak_rss_mb=...
//   dotnet MedLearn.Bench.dll --mode ugmcl-iter|ugmcl-window --config auto|fp32|cl-fp32|cl-bf16 --threads N [--warmup 1] [--iters 2] [--patch 80,112,112] [--volume 88,120,120] [--stride 4,18,18]
//       one UG-MCL iteration (batch 4, T = 8) or one sliding-window inference (bench/ugmcl.sh); prints RESULT mode=... mean_ms=... peak_rss_mb=...
//   RANK=r WORLD_SIZE=2 MASTER_ADDR=.. MASTER_PORT=.. dotnet MedLearn.Bench.dll --mode allreduce --config gloo --threads 1 [--mb 1,25,100] [--reps 20]
//       c10d all-reduce time and bus bandwidth per tensor size (bench/ddp.sh; the training mode is data parallel under WORLD_SIZE > 1 too)
//   dotnet MedLearn.Bench.dll --names      state-dict keys and shapes of resnet18(num_classes=4)

if (args is ["--names"])
{
    using var m = MedLearn.Models.ResNet.ResNet18(numClasses: 4);
    using var s = DisposeScope.Open();
    foreach (var (name, t) in m.StateDict()) Console.WriteLine($"{name} [{string.Join(", ", t.Shape)}]");
    return 0;
}

var options = new Dictionary<string, string> { ["mode"] = "train", ["model"] = "resnet18", ["threads"] = "" };
for (var i = 0; i + 1 < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal)) { Console.Error.WriteLine($"unexpected argument {args[i]}"); return 2; }
    options[args[i][2..]] = args[i + 1];
}
if (!options.ContainsKey("config"))
{
    Console.Error.WriteLine("usage: MedLearn.Bench [--mode train|infer] --config CONFIG --threads N [--model resnet18|resnet50] ...");
    return 2;
}
// Must precede every torch call: libtorch fixes the intra-op thread count at first use.
if (options["threads"].Length > 0) TorchSettings.InitialThreads = int.Parse(options["threads"], CultureInfo.InvariantCulture);

var result = options["mode"] switch
{
    "train" => TrainBench.Run(options),
    "infer" => InferBench.Run(options),
    "onnx" => OnnxBench.Run(options),
    "occlusion" => OcclusionBench.Run(options),
    "gmic" => GmicBench.Run(options),
    "ugmcl-iter" or "ugmcl-window" => UgMclBench.Run(options),
    "allreduce" => AllReduceBench.Run(options),
    var m => throw new ArgumentException($"unknown mode {m}"),
};
Console.WriteLine(result);
return 0;
