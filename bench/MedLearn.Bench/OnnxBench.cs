using System.Diagnostics;
using System.Globalization;
using MedLearn.Export.Onnx;
using MedLearn.Torch;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MedLearn.Bench;

/// <summary>
/// Single-image latency of a model exported by MedLearn's ONNX exporter, run by ONNX Runtime (CPU execution provider,
/// graph optimisations at their default "all" level, intra-op threads = --threads, sequential execution). The network
/// is the same as <see cref="InferBench"/>'s (seed 0, 1000 classes); the timed call is <c>InferenceSession.Run</c> on a
/// fixed float32 NCHW input, output read back. Session creation (graph optimisation) is reported, not timed per call.
/// </summary>
internal static class OnnxBench
{
    public static string Run(IReadOnlyDictionary<string, string> options)
    {
        var modelName = options["model"];
        var threads = int.Parse(options["threads"], CultureInfo.InvariantCulture);
        var (warmup, iters, batch, size) = (BenchUtil.Int(options, "warmup", 10), BenchUtil.Int(options, "iters", 50),
            BenchUtil.Int(options, "batch", 1), BenchUtil.Int(options, "size", 224));

        torch.ManualSeed(0);
        byte[] onnx;
        float[] input;
        using (var model = BenchUtil.Model(modelName, 1000))
        using (DisposeScope.Open())
        {
            onnx = OnnxExporter.ToBytes(model, new OnnxExportOptions { InputDims = ["batch", 3L, (long)size, (long)size], OutputDims = ["batch", 1000L] });
            input = torch.Randn(batch, 3, size, size).ToArray<float>();
        }
        var create = Stopwatch.StartNew();
        using var sessionOptions = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        using var session = new InferenceSession(onnx, sessionOptions);
        var createMs = create.Elapsed.TotalMilliseconds;
        var tensor = new DenseTensor<float>(input, [batch, 3, size, size]);
        var inputs = new[] { NamedOnnxValue.CreateFromTensor("input", tensor) };

        double Once()
        {
            using var results = session.Run(inputs);
            return results.First().AsTensor<float>().Take(1000).Sum(v => (double)v); // reading the output
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
            $"RESULT mode=onnx config=ort model={modelName} threads={threads} batch={batch} size={size} mean_ms={times.Average():F2} " +
            $"p50_ms={BenchUtil.Quantile(times, 0.5):F2} p95_ms={BenchUtil.Quantile(times, 0.95):F2} min_ms={times.Min():F2} " +
            $"peak_rss_mb={BenchUtil.StatusMb("VmHWM"):F0} session_ms={createMs:F0} onnx_mb={onnx.Length / 1e6:F1} ort={OrtEnv.Instance().GetVersionString()} out0={out0:F4}");
    }
}
