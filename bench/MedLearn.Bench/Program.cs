using System.Diagnostics;
using System.Globalization;
using MedLearn.Torch;
using MedLearn.Torch.Amp;
using MedLearn.Torch.Optim;
using F = MedLearn.Torch.Nn.Functional;

// ResNet-18 training-step benchmark (one configuration per process; bench/run.sh drives it):
//   dotnet MedLearn.Bench.dll --config fp32|cl|cl-bf16|auto --threads N [--warmup 3] [--steps 10] [--batch 16]
// Prints: RESULT config=... threads=... img_per_s=... best_img_per_s=... step_ms=... peak_rss_mb=... loss=...

var options = new Dictionary<string, string> { ["warmup"] = "3", ["steps"] = "10", ["batch"] = "16", ["threads"] = "" };
for (var i = 0; i + 1 < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal)) { Console.Error.WriteLine($"unexpected argument {args[i]}"); return 2; }
    options[args[i][2..]] = args[i + 1];
}
if (args is ["--names"])
{
    // The state-dict keys and shapes, to compare with torchvision's resnet18(num_classes=4).
    using var m = MedLearn.Models.ResNet.ResNet18(numClasses: 4);
    using var s = DisposeScope.Open();
    foreach (var (name, t) in m.StateDict()) Console.WriteLine($"{name} [{string.Join(", ", t.Shape)}]");
    return 0;
}
if (!options.TryGetValue("config", out var config))
{
    Console.Error.WriteLine("usage: MedLearn.Bench --config fp32|cl|cl-bf16|auto --threads N [--warmup 3] [--steps 10] [--batch 16]");
    return 2;
}
int Int(string key) => int.Parse(options[key], CultureInfo.InvariantCulture);

// Must precede every torch call: libtorch fixes the intra-op thread count at first use.
if (options["threads"].Length > 0) TorchSettings.InitialThreads = Int("threads");
var (warmup, steps, batch) = (Int("warmup"), Int("steps"), Int("batch"));

var auto = PrecisionPlan.Resolve(Precision.Auto, Device.CPU, spatialDims: 2);
var plan = config switch
{
    "fp32" => new PrecisionPlan(Precision.Fp32, Device.CPU, null, MemoryFormat.Contiguous, false, "fp32 NCHW"),
    "cl" => new PrecisionPlan(Precision.Fp32, Device.CPU, null, MemoryFormat.ChannelsLast, false, "fp32 channels_last"),
    "cl-bf16" => PrecisionPlan.Resolve(Precision.Bf16, Device.CPU, spatialDims: 2),
    "auto" => auto,
    _ => throw new ArgumentException($"unknown config {config}"),
};
string Name(PrecisionPlan p) => (p.MemoryFormat, p.AutocastDType) switch
{
    (MemoryFormat.Contiguous, null) => "fp32",
    (MemoryFormat.ChannelsLast, null) => "cl",
    (MemoryFormat.ChannelsLast, DType.BFloat16) => "cl-bf16",
    _ => p.ToString(),
};

torch.ManualSeed(0);
using var model = MedLearn.Models.ResNet.ResNet18(numClasses: 4);
model.Train();
using var data = DisposeScope.Open();
var x = plan.PrepareInput(torch.Randn(batch, 3, 224, 224));
var y = torch.Randint(0, 4, [batch]);
plan.Apply(model);
using var sgd = new SGD(model.Parameters(), lr: 0.01, momentum: 0.9);

double Step()
{
    using var scope = DisposeScope.Open();
    sgd.ZeroGrad();
    Tensor loss;
    using (plan.Autocast()) loss = F.CrossEntropy(model.Forward(x), y);
    loss.Backward();
    sgd.Step();
    return loss.ToDouble();
}

for (var i = 0; i < warmup; i++) Step();
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
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT config={config} threads={torch.NumThreads} img_per_s={batch * steps / seconds:F2} best_img_per_s={batch / best:F2} step_ms={1000 * seconds / steps:F1} " +
    $"peak_rss_mb={StatusMb("VmHWM"):F0} loss={last:F4} auto_resolves_to={Name(auto)}"));
return 0;

static double StatusMb(string key)
{
    foreach (var line in File.ReadLines("/proc/self/status"))
        if (line.StartsWith(key + ":", StringComparison.Ordinal))
            return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    return double.NaN;
}
