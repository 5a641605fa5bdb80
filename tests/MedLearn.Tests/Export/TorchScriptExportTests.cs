using System.Text.Json;
using MedLearn.Export.TorchScript;
using MedLearn.Models;
using MedLearn.Models.Segmentation;
using MedLearn.Torch;
using MedLearn.Torch.Jit;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Serialization;
using MedLearn.Torch.Tests;
using Xunit.Abstractions;
using Tensor = MedLearn.Torch.Tensor;

namespace MedLearn.Tests.Export;

/// <summary>
/// TorchScript export checked by Python's torch.jit.load (tools/golden/check_torchscript_load.py) and by libtorch's
/// loader from C#: every covered architecture gives MedLearn's evaluation-mode outputs (max |d| ≤ 1e-5, fp32) with
/// non-trivial batch-norm statistics, and the scripted module's state dict has exactly the checkpoint's keys and values.
/// </summary>
public sealed class TorchScriptExportTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    private static readonly string[] s_cases =
        ["small-cnn", "small-cnn-gray", "resnet18", "resnet34", "resnet50", "densenet121", "preact-trunk", "vnet", "dual-vnet", "unet3d", "unet3d-instance", "efficientnet_b0",
         "mobilenet_v3_large", "regnet_y_400mf", "inception_v3", "convnext-mini", "vit-mini", "vit-mini-resized", "swin-mini"];

    private static (Module Model, Tensor Input) Create(string name)
    {
        // Seeded per case: the weights must not depend on which tests ran before in this process.
        torch.ManualSeed(5);
        Module model = name switch
        {
            "small-cnn-gray" => ModelRegistry.Create("small-cnn", 3, 1),
            "preact-trunk" => new PreActResNet(1, numFilters: 4, firstKernelSize: 7, firstStride: 2, firstPadding: 0, firstPoolSize: 3, firstPoolStride: 2,
                firstPoolPadding: 0, blocksPerStage: [2, 1], strides: [1, 2]),
            "unet3d" => new UNet3d(new UNet3dOptions { BaseFilters = 4, Depth = 2, Classes = 3 }),
            "unet3d-instance" => new UNet3d(new UNet3dOptions { BaseFilters = 4, Depth = 2, Classes = 2, Norm = UNet3dNorm.Instance }),
            "vnet" or "dual-vnet" => SegmentationModelRegistry.Create(name, new VNetOptions { BaseFilters = 4, Depth = 2, Classes = 3 }),
            "densenet121" => ModelRegistry.Create(name, 3, 1),
            // Test-size configurations of the zoo's transformer-era architectures (same module types as convnext_tiny/small,
            // vit_b_16, swin_t); a layer scale of 0.5, not 1e-6, so the blocks change their input.
            "convnext-mini" => new ConvNeXt([new(8, 16, 1), new(16, null, 2)], 0.1, 0.5, 3, 3),
            "vit-mini" or "vit-mini-resized" => new VisionTransformer(32, 8, 2, 2, 16, 32, 0, 3, 3),
            // Window 3, shift 1: 40x44 px give a 10x11 map (padded to whole windows, shifted) and 5x6 after merging (odd width padded).
            "swin-mini" => new SwinTransformer(4, 8, [2, 2], [1, 2], 3, 0.1, 4.0, 3, 3),
            _ => ModelRegistry.Create(name, 3, 3),
        };
        OnnxExportTests.RandomiseNorms(model, 7);
        if (model is VisionTransformer vit)
        {
            // torchvision zero-initialises the head and the class token: random values so the logits say something.
            using var noGrad = GradMode.NoGrad();
            Init.Normal_(vit.ClassToken, std: 1);
            Init.Normal_(((Linear)vit.GetSubmodule(vit.HeadName)).Weight, std: 0.5);
        }
        model.Eval();
        torch.ManualSeed(11);
        var input = name switch
        {
            "small-cnn-gray" or "densenet121" => torch.Randn(2, 1, 32, 32).DetachFromDisposeScope(),
            "preact-trunk" => torch.Randn(2, 1, 45, 37).DetachFromDisposeScope(),
            "vnet" or "dual-vnet" or "unet3d" or "unet3d-instance" => torch.Randn(2, 1, 8, 12, 16).DetachFromDisposeScope(),
            "mobilenet_v3_large" or "regnet_y_400mf" => torch.Randn(2, 3, 64, 64).DetachFromDisposeScope(),
            "inception_v3" => torch.Randn(2, 3, 80, 80).DetachFromDisposeScope(), // its smallest input is 75 px
            "vit-mini-resized" => torch.Randn(2, 3, 48, 40).DetachFromDisposeScope(), // a 6x5 patch grid: position embedding resized
            "swin-mini" => torch.Randn(2, 3, 40, 44).DetachFromDisposeScope(),
            _ => torch.Randn(2, 3, 32, 32).DetachFromDisposeScope(),
        };
        return (model, input);
    }

    private static Tensor[] Outputs(Module model, Tensor input)
    {
        using var noGrad = GradMode.NoGrad();
        if (model is SegmentationNetwork net)
        {
            var both = net.ForwardBoth(input);
            return both.Distance is null ? [both.Logits] : [both.Logits, both.Distance];
        }
        return [((Module<Tensor, Tensor>)model).Forward(input)];
    }

    private static double MaxAbsDiff(Tensor a, Tensor b)
    {
        Assert.Equal(a.Shape, b.Shape);
        return a.Sub(b).Abs().Max().ToDouble();
    }

    [Fact]
    public void EveryCoveredArchitectureLoadsInPythonAndLibtorchWithTheSameOutputs()
    {
        var dir = Directory.CreateTempSubdirectory("medlearn-ts-").FullName;
        try
        {
            var expected = new Dictionary<string, Tensor[]>();
            var stateKeys = new Dictionary<string, string[]>();
            foreach (var name in s_cases)
            {
                var (model, input) = Create(name);
                using var _ = model;
                using var scope = DisposeScope.Open();
                var outputs = Outputs(model, input);
                var path = Path.Combine(dir, name + ".ts");
                TorchScriptExporter.Export(model, path, [new("medlearn.architecture", name)]);
                StateDictFile.Save(model, Path.Combine(dir, name + ".state.pt"));
                StateDictFile.Save(new Dictionary<string, Tensor> { ["input"] = input }, Path.Combine(dir, name + ".input.pt"));
                StateDictFile.Save(outputs.Select((o, i) => (o, i)).ToDictionary(p => $"out{p.i}", p => p.o), Path.Combine(dir, name + ".expected.pt"));
                stateKeys[name] = [.. model.StateDict().Keys];

                // Loaded back in C# through torch::jit::load: same outputs, same state dict, the metadata extra file.
                using var loaded = ScriptModule.Load(path, [TorchScriptExporter.MetadataFile, "absent.txt"], out var extra);
                var again = loaded.Forward(input);
                Assert.Equal(outputs.Length, again.Length);
                for (var i = 0; i < outputs.Length; i++)
                    Assert.True(MaxAbsDiff(outputs[i], again[i]) <= Tolerance, $"{name}: output {i} differs after torch::jit::load");
                Assert.Equal(stateKeys[name].Order(StringComparer.Ordinal), loaded.StateDict().Select(p => p.Name).Order(StringComparer.Ordinal));
                Assert.Equal(name, JsonSerializer.Deserialize<Dictionary<string, string>>(extra[TorchScriptExporter.MetadataFile])!["medlearn.architecture"]);
                Assert.False(extra.ContainsKey("absent.txt"));
                input.Dispose();
            }

            var (code, stdout, stderr) = PythonOracle.RunScript(PythonOracle.RepoFile("tools/golden/check_torchscript_load.py"), null, dir);
            Assert.True(code == 0, $"torch.jit.load failed:\n{stderr}");
            using var report = JsonDocument.Parse(stdout);
            foreach (var name in s_cases)
            {
                var r = report.RootElement.GetProperty(name);
                var diffs = r.GetProperty("max_abs_diff").EnumerateArray().ToList();
                var scales = r.GetProperty("max_abs_expected").EnumerateArray().Select(s => s.GetDouble()).ToList();
                Assert.Equal(name == "dual-vnet" ? 2 : 1, diffs.Count);
                // Python runs one thread, this process more: oneDNN then sums in another order, so the bound is relative
                // to the output's scale (a random ResNet-50 with random batch-norm statistics has logits of several hundred).
                output.WriteLine($"{name}: Python max |d| {string.Join(", ", diffs)} (largest |value| {string.Join(", ", scales)})");
                for (var i = 0; i < diffs.Count; i++)
                    Assert.True(diffs[i].ValueKind == JsonValueKind.Number && diffs[i].GetDouble() <= Tolerance * Math.Max(1, scales[i]),
                        $"{name}: Python's output {i} differs from MedLearn's by {diffs[i]} (largest |value| {scales[i]})");
                // The scripted module's state dict is the checkpoint: same keys (PyTorch's order within each module), bit-equal values.
                var keys = r.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToList();
                Assert.Equal(stateKeys[name].Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
                Assert.Equal(stateKeys[name], r.GetProperty("checkpoint_keys").EnumerateArray().Select(k => k.GetString()!));
                Assert.True(r.GetProperty("values_equal").GetBoolean(), $"{name}: a scripted parameter differs from the checkpoint");
                Assert.False(r.GetProperty("training").GetBoolean());
                Assert.True(r.GetProperty("eval_all").GetBoolean());
                Assert.Equal(name, r.GetProperty("metadata").GetProperty("medlearn.architecture").GetString());
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class Unmappable : Module<Tensor, Tensor>
    {
        public override Tensor Forward(Tensor input) => input.Sin();
    }

    [Fact]
    public void AModuleWithoutMappingIsNamedWithItsPathAndNothingIsWritten()
    {
        using var model = new SmallCnn(2);
        ((Sequential)model.GetSubmodule("features")).Add("odd", new Unmappable());
        var path = Path.Combine(Path.GetTempPath(), $"unmapped-{Guid.NewGuid():N}.ts");
        var e = Assert.Throws<TorchScriptExportException>(() => TorchScriptExporter.Export(model, path, []));
        Assert.Contains("'Unmappable'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'features.odd'", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $".unmapped-*.ts.*.tmp"));
    }

    [Fact]
    public void AnUnwritableDestinationIsAnIOErrorNamingTheFile()
    {
        using var model = new SmallCnn(2);
        // A destination whose folder is a file: libtorch's writer fails; the error names the destination.
        var blocker = Path.Combine(Path.GetTempPath(), $"blocker-{Guid.NewGuid():N}");
        File.WriteAllText(blocker, "");
        try
        {
            var path = Path.Combine(blocker, "model.ts");
            var e = Assert.ThrowsAny<IOException>(() => TorchScriptExporter.Export(model, path, []));
            Assert.Contains(blocker, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    [Fact]
    public void ExportingLeavesNoTensorHandlesBehind()
    {
        using var model = ModelRegistry.Create("small-cnn", 2);
        using (TorchScriptExporter.Build(model)) { } // first use: lazily created handles are not the exporter's
        var baseline = LeakCheck.Baseline();
        using (TorchScriptExporter.Build(model)) { }
        Assert.Equal(baseline, LiveTensors.Count);
    }

    [Fact]
    public void ALiteralFloatRoundTripsAndNamesThatAreNotIdentifiersUseGetattr()
    {
        Assert.Equal("1e-05", TorchScriptSource.Float(1e-5));
        Assert.Equal("2.0", TorchScriptSource.Float(2));
        Assert.Equal(0.1, double.Parse(TorchScriptSource.Float(0.1), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("getattr(self, \"0\")", TorchScriptSource.Member("0"));
        Assert.Equal("self.conv1", TorchScriptSource.Member("conv1"));
    }

    [Fact]
    public void LoadingAFileThatIsNotTorchScriptNamesTheProblem()
    {
        var path = Path.Combine(Path.GetTempPath(), $"garbage-{Guid.NewGuid():N}.ts");
        File.WriteAllText(path, "not a zip archive");
        try
        {
            var e = Assert.ThrowsAny<TorchException>(() => ScriptModule.Load(path, [], out _));
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
