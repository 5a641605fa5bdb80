using MedLearn.Models.Segmentation;
using MedLearn.Torch;
using MedLearn.Torch.Serialization;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Segmentation;

/// <summary>
/// The 3-D U-Net against the closed-form parameter count and against the same network in PyTorch
/// (tools/golden/gen_unet3d.py: milesial-style U-Net in 3-D; same state dict → same logits).
/// </summary>
public class UNet3dTests
{
    private static Golden G => Golden.Load("unet3d");

    public static TheoryData<string, long, long, int, UNet3dNorm, long> Configs => new()
    {
        { "default", 1, 32, 3, UNet3dNorm.Batch, 2 },
        { "instance", 1, 32, 3, UNet3dNorm.Instance, 2 },
        { "none_k3", 1, 8, 4, UNet3dNorm.None, 3 },
        { "in2_d1", 2, 4, 1, UNet3dNorm.Batch, 2 },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void ParameterCountEqualsTheFormulaAndPyTorch(string name, long inChannels, long filters, int depth, UNet3dNorm norm, long classes)
    {
        using var scope = DisposeScope.Open();
        var options = new UNet3dOptions { InChannels = inChannels, BaseFilters = filters, Depth = depth, Norm = norm, Classes = classes };
        using var net = new UNet3d(options);
        Assert.Equal((long)G.Value("params_" + name), net.ParameterCount());
        Assert.Equal(net.ParameterCount(), options.ParameterCount());
        if (name == "default") Assert.Equal(5_601_154, net.ParameterCount());
    }

    [Theory]
    [InlineData("bn", 1, 2, 2, UNet3dNorm.Batch, 3)]
    [InlineData("inst", 2, 3, 1, UNet3dNorm.Instance, 2)]
    public void PyTorchStateDictGivesTheSameLogits(string name, long inChannels, long filters, int depth, UNet3dNorm norm, long classes)
    {
        using var scope = DisposeScope.Open();
        var options = new UNet3dOptions { InChannels = inChannels, BaseFilters = filters, Depth = depth, Norm = norm, Classes = classes };
        using var net = new UNet3d(options);
        var keys = G.RawValue(name + ".keys").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(keys, net.StateDict().Keys.ToArray()); // same names, same order as PyTorch
        net.LoadStateDict(keys.ToDictionary(k => k, k => G.Tensor($"{name}.sd.{k}")));
        net.Eval();
        var x = G.Tensor(name + ".input");
        TensorAssert.Close(G.Tensor(name + ".logits"), net.Forward(x), 1e-4, 1e-4, "logits");
        using var plain = new UNet3d(options with { DepthToSpaceUpsampling = false });
        plain.LoadStateDict(net.StateDict());
        plain.Eval();
        TensorAssert.Close(G.Tensor(name + ".logits"), plain.Forward(x), 1e-4, 1e-4, "logits with libtorch's transposed convolution");
    }

    [Theory]
    [InlineData(UNet3dNorm.Batch, "batch")]
    [InlineData(UNet3dNorm.None, "none")]
    public void CheckpointLoadsStrictlyInPyTorchAndGivesTheSameLogits(UNet3dNorm norm, string normName)
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(11);
        using var net = new UNet3d(new UNet3dOptions { InChannels = 2, BaseFilters = 3, Depth = 2, Norm = norm, Classes = 3 });
        net.Eval();
        var x = (torch.Arange(2 * 4 * 8 * 12).To(DType.Float32) * 0.1).Sin().Reshape(1, 2, 4, 8, 12);
        var logits = net.Forward(x);
        var path = Path.Combine(Path.GetTempPath(), "unet3d-" + Guid.NewGuid().ToString("N") + ".pt");
        try
        {
            StateDictFile.Save(net, path);
            var (code, stdout, stderr) = PythonOracle.RunScript(PythonOracle.RepoFile("tools/golden/check_unet3d_load.py"), null,
                path, "2", "3", "3", "2", normName, "4", "8", "12");
            Assert.True(code == 0, stdout + stderr);
            using var doc = System.Text.Json.JsonDocument.Parse(stdout);
            Assert.Equal(net.StateDict().Keys, doc.RootElement.GetProperty("keys").EnumerateArray().Select(e => e.GetString()!));
            var expected = doc.RootElement.GetProperty("logits").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
            TensorAssert.Close(torch.FromArray(expected, logits.Shape), logits, 1e-4, 1e-4, "PyTorch logits of our checkpoint");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ActivationsAreNamedBlockOutputsAndTheRegistryBuildsIt()
    {
        using var scope = DisposeScope.Open();
        torch.ManualSeed(1);
        using var net = SegmentationModelRegistry.Create("UNet3d", null, new UNet3dOptions { BaseFilters = 2, Depth = 2, Classes = 3 });
        Assert.IsType<UNet3d>(net);
        Assert.Equal(["inc", "down1", "down2", "up1", "up2"], net.ActivationNames);
        Assert.False(net.HasDistanceHead);
        Assert.Equal(4, net.SizeMultiple);
        net.Eval();
        var x = torch.Randn(1, 1, 8, 4, 12);
        var outputs = net.ForwardWithActivations(x, ["down2", "up1", "up2"]);
        Assert.Equal(new long[] { 1, 8, 2, 1, 3 }, outputs.Activations["down2"].Shape);
        Assert.Equal(new long[] { 1, 4, 4, 2, 6 }, outputs.Activations["up1"].Shape);
        Assert.Equal(new long[] { 1, 2, 8, 4, 12 }, outputs.Activations["up2"].Shape);
        TensorAssert.Close(net.Forward(x), outputs.Output, 0, 0, "capturing does not change the output");
        Assert.Contains("divisible by 4", Assert.Throws<ArgumentException>(() => net.Forward(torch.Zeros(1, 1, 8, 6, 8))).Message);
        Assert.Contains("available: inc, down1", Assert.Throws<ArgumentException>(() => net.ForwardWithActivations(x, ["block_one"])).Message);
    }
}
