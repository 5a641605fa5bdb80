using MedLearn.Profiling;
using MedLearn.Tests.Cli;
using MedLearn.Torch;
using MedLearn.Torch.Profiler;
using MedLearn.Torch.Tests;
using F = MedLearn.Torch.Nn.Functional;

namespace MedLearn.Tests.Profiling;

/// <summary>libtorch's profiler through the shim: exact op counts, PyTorch's per-op counts on a tiny net, error cases, handle hygiene.</summary>
public class ProfilerSessionTests
{
    [Fact]
    public void ThreeMatmulsAndOneAddGiveExactlyThreeMmAndOneAddEvents()
    {
        using var scope = DisposeScope.Open();
        var a = torch.Randn(4, 4);
        var b = torch.Randn(4, 4);
        IReadOnlyList<ProfilerEvent> events;
        using (var session = ProfilerSession.Start())
        {
            var c = a.Mm(b).Mm(b).Mm(a);
            c.Add(a);
            events = session.Stop();
        }
        var ops = OpAggregation.KeyAverages(events).ToDictionary(o => o.Name);
        Assert.Equal(3, ops["aten::mm"].Calls);
        Assert.Equal(1, ops["aten::add"].Calls);
        Assert.Equal(3, events.Count(e => e.Name == "aten::mm"));
        // Every event of this thread lies within the session and has a non-negative duration.
        Assert.All(events, e => Assert.True(e.DurationNanoseconds >= 0));
        Assert.False(ProfilerSession.IsRunningOnThisThread);
        // The Chrome trace of real events: one complete ("X") event per visible op event, the three mm among them.
        using var trace = System.Text.Json.JsonDocument.Parse(ChromeTraceWriter.ToJson(events, 0));
        var complete = trace.RootElement.GetProperty("traceEvents").EnumerateArray().Where(t => t.GetProperty("ph").GetString() == "X").ToList();
        Assert.Equal(OpAggregation.Visible(events).Count, complete.Count);
        Assert.Equal(3, complete.Count(t => t.GetProperty("name").GetString() == "aten::mm"));
    }

    [Fact]
    public void RecordedShapesAreTheInputShapes()
    {
        using var scope = DisposeScope.Open();
        var a = torch.Randn(2, 3);
        var b = torch.Randn(3, 5);
        IReadOnlyList<ProfilerEvent> events;
        using (var session = ProfilerSession.Start(recordShapes: true)) { a.Mm(b); events = session.Stop(); }
        var mm = Assert.Single(events, e => e.Name == "aten::mm");
        Assert.Equal([2L, 3], mm.InputShapes[0]);
        Assert.Equal([3L, 5], mm.InputShapes[1]);

        using (var session = ProfilerSession.Start(recordShapes: false)) { a.Mm(b); events = session.Stop(); }
        Assert.Empty(Assert.Single(events, e => e.Name == "aten::mm").InputShapes);
    }

    [Fact]
    public void TinyConvNetForwardHasPyTorchsPerOpCallCounts()
    {
        // tools/golden/gen_profiler.py profiles the same functional net with torch.autograd.profiler (key_averages counts).
        var golden = Golden.Load("profiler");
        var expected = golden.RawValue("calls").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        using var scope = DisposeScope.Open();
        var (x, w, b, lw, lb) = (golden.Tensor("x"), golden.Tensor("w"), golden.Tensor("b"), golden.Tensor("lw"), golden.Tensor("lb"));
        var (mean, var, gamma, beta) = (torch.Zeros(4), torch.Ones(4), torch.Ones(4), torch.Zeros(4));
        Tensor Forward()
        {
            var h = F.Conv2d(x, w, b, stride: [1, 1], padding: [1, 1]);
            h = F.BatchNorm(h, mean, var, gamma, beta, training: false, momentum: 0.1, eps: 1e-5);
            h = F.Relu(h);
            h = F.MaxPool2d(h, [2, 2]);
            h = h.Flatten(1);
            h = F.Linear(h, lw, lb);
            return F.Softmax(h, 1);
        }
        IReadOnlyList<ProfilerEvent> events;
        Tensor output;
        using (GradMode.NoGrad())
        {
            Forward();
            using var session = ProfilerSession.Start();
            output = Forward();
            events = session.Stop();
        }
        TensorAssert.Close(golden.Tensor("out"), output, atol: 1e-5);
        var actual = OpAggregation.KeyAverages(events).ToDictionary(o => o.Name, o => o.Calls);
        // Every op PyTorch's profiler shows, with its count: the same aten dispatch tree on both sides.
        foreach (var (name, calls) in expected)
        {
            Assert.True(actual.ContainsKey(name), $"{name} missing from MedLearn's profile: {string.Join(", ", actual.Keys)}");
            Assert.True(calls == actual[name], $"{name}: PyTorch {calls} calls, MedLearn {actual[name]}");
        }
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
    }

    [Fact]
    public void SecondStartAndStopWithoutStartThrowManagedExceptionsWithTheMessage()
    {
        using var session = ProfilerSession.Start();
        var twice = Assert.Throws<TorchArgumentException>(() => ProfilerSession.Start());
        Assert.Contains("already running", twice.Message);
        session.Stop();
        var again = Assert.Throws<TorchArgumentException>(() => session.Stop());
        Assert.Contains("not running", again.Message);
        Assert.False(ProfilerSession.IsRunningOnThisThread);
        // The failed start left nothing behind: a new session works.
        using var next = ProfilerSession.Start();
        Assert.True(ProfilerSession.IsRunningOnThisThread);
        next.Dispose();
        Assert.False(ProfilerSession.IsRunningOnThisThread);
    }

    [Fact]
    public void ProfilingLeavesTheLiveTensorCountAtItsBaseline()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            var a = torch.Randn(8, 8);
            using var session = ProfilerSession.Start(recordShapes: true);
            for (var i = 0; i < 5; i++) a = a.Mm(a).Add(1);
            Assert.NotEmpty(session.Stop());
        }
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void ProfileCommandProfilesATrainedRunWithItsArchitectureAndImageSize()
    {
        var root = Path.Combine(Path.GetTempPath(), "ml-profile-run-" + Guid.NewGuid().ToString("N"));
        try
        {
            var data = Path.Combine(root, "data");
            CliHarness.WriteTwoClassImages(data, perClass: 6, size: 20, seed: 4);
            var run = CliHarness.TrainTinyClassifier(data, Path.Combine(root, "runs"));
            var outDir = Path.Combine(root, "prof");
            var (code, output) = CliHarness.Run("profile", "--run", run, "--steps", "2", "--warmup", "1", "--out", outDir);
            Assert.True(code == 0, output);
            using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "profile.json")));
            Assert.Equal("small-cnn", summary.RootElement.GetProperty("architecture").GetString());
            Assert.Equal(16, summary.RootElement.GetProperty("size").GetInt32());
            Assert.Equal("infer", summary.RootElement.GetProperty("mode").GetString());
            Assert.Equal(2, summary.RootElement.GetProperty("step_ms").GetArrayLength());
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void ProfileCommandWritesTablesAndTraceOfASmallModel()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ml-profile-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output) = CliHarness.Run("profile", "--model", "small-cnn", "--size", "16", "--batch", "2", "--steps", "2", "--warmup", "1",
                "--classes", "3", "--mode", "train", "--precision", "fp32", "--out", dir);
            Assert.True(code == 0, output);
            Assert.Contains("aten::", output);
            var csv = File.ReadAllLines(Path.Combine(dir, "ops.csv"));
            Assert.Equal("op,calls,self_us,total_us,steps,calls_per_step,self_ms_per_step,total_ms_per_step,self_percent", csv[0]);
            // A training step runs the backward of the convolution once per conv layer and one optimiser step.
            Assert.Contains(csv, l => l.StartsWith("ConvolutionBackward0,", StringComparison.Ordinal));
            using var trace = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "trace.json")));
            Assert.True(trace.RootElement.GetProperty("traceEvents").GetArrayLength() > 0);
            Assert.True(File.Exists(Path.Combine(dir, "ops.md")) && File.Exists(Path.Combine(dir, "profile.json")));
            Assert.Empty(Directory.GetFiles(dir, "*.tmp"));

            var (bad, message) = CliHarness.Run("profile", "--model", "small-cnn", "--run", dir, "--out", dir);
            Assert.Equal(2, bad);
            Assert.Contains("exactly one of --model", message);
            var file = Path.Combine(dir, "ops.md");
            var (isFile, fileText) = CliHarness.Run("profile", "--model", "small-cnn", "--size", "16", "--out", file);
            Assert.Equal(2, isFile);
            Assert.Contains("is a file", fileText);
            var (unknown, text) = CliHarness.Run("profile", "--model", "resnet-18", "--out", dir);
            Assert.Equal(2, unknown);
            Assert.Contains("resnet18", text);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
