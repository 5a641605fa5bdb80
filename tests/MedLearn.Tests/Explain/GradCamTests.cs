using System.Text.Json;
using MedLearn.Explain;
using MedLearn.Models;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Serialization;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Explain;

/// <summary>
/// Grad-CAM and Grad-CAM++ against analytic weights on <see cref="TinyCamNet"/> (the score is linear in the GAP of
/// the "pool" activation, so ∂y_c/∂A_k = W[c, k] / (h·w) everywhere), against PyTorch (forward hooks +
/// autograd.grad in tools/golden/gen_explain.py) on a small CNN and on torchvision's resnet18, plus the error cases.
/// </summary>
public sealed class GradCamTests
{
    private static Golden G => Golden.Load("explain");

    /// <summary>Expected map from channel weights: relu(Σ_k α_k A_k), upsampled to the input, divided by its max.</summary>
    private static Tensor Expected(Tensor pool, double[] alpha, long[] inputSpatial)
    {
        var a = pool.Squeeze(0).To(DType.Float64);   // [K, *spatial]
        var cam = torch.ZerosLike(a.Select(0, 0));
        for (var k = 0; k < alpha.Length; k++) cam = cam + a.Select(0, k) * alpha[k];
        cam = Functional.Relu(cam).Unsqueeze(0).Unsqueeze(0);
        var up = Functional.Interpolate(cam, inputSpatial, mode: inputSpatial.Length == 2 ? InterpolateMode.Bilinear : InterpolateMode.Trilinear, alignCorners: false).Squeeze(0).Squeeze(0);
        var max = up.Max().ToDouble();
        return max > 0 ? up / max : up;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void WeightsAreTheAnalyticGradientMeansAndTheGradCamPlusPlusFormula(int dims)
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            torch.ManualSeed(10 + (ulong)dims);
            using var net = new TinyCamNet(dims, 2, 4, 3);
            net.Eval();
            long[] spatial = dims == 2 ? [12, 10] : [6, 8, 4];
            var image = torch.Randn([2, .. spatial]);
            var pool = net.Pool(image.Unsqueeze(0)).Detach();
            var positions = pool.NumEl / 4;
            var w = net.Head.Weight.Detach().To(DType.Float64).ToArray<double>();   // [3, 4]
            var sums = pool.To(DType.Float64).Sum(Enumerable.Range(2, dims).Select(d => (long)d).ToArray()).ToArray<double>();
            var logits = net.Forward(image.Unsqueeze(0)).Detach();

            foreach (var target in new[] { 0, 2 })
            {
                var g = Enumerable.Range(0, 4).Select(k => w[target * 4 + k] / positions).ToArray();
                using var cam = GradCam.Compute(net, image, new GradCamOptions { Layer = "pool", TargetClass = target });
                Assert.Equal(spatial, cam.Map.Shape);
                TensorAssert.Close(Expected(pool, g, spatial), cam.Map, atol: 1e-6, rtol: 1e-5, what: $"Grad-CAM class {target}");
                Assert.Equal(Functional.Softmax(logits, 1).Select(1, target).ToDouble(), cam.TargetProbability, 6);
                Assert.Equal("pool", cam.Layer);
                Assert.Equal(1.0, cam.Map.Max().ToDouble(), 6);

                // Grad-CAM++ with a constant gradient g_k: a = g² / (2g² + S_k g³), α_k = Σ a·relu(g) = n·a·relu(g).
                var plus = Enumerable.Range(0, 4).Select(k =>
                {
                    var denominator = 2 * g[k] * g[k] + sums[k] * g[k] * g[k] * g[k];
                    return denominator == 0 ? 0 : positions * g[k] * g[k] / denominator * Math.Max(g[k], 0);
                }).ToArray();
                using var camPlus = GradCam.Compute(net, image, new GradCamOptions { Layer = "pool", TargetClass = target, Method = CamMethod.GradCamPlusPlus });
                TensorAssert.Close(Expected(pool, plus, spatial), camPlus.Map, atol: 1e-6, rtol: 1e-5, what: $"Grad-CAM++ class {target}");
                Assert.Equal("gradcam++", camPlus.Method);
            }

            // Default: the predicted class and the last layer ("pool").
            using var byDefault = GradCam.Compute(net, image);
            Assert.Equal(logits.Argmax(1).ToInt64(), byDefault.TargetClass);
            Assert.Equal("pool", byDefault.Layer);
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void FrozenParametersWorkAndAllZeroEvidenceGivesAZeroMap()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            torch.ManualSeed(20);
            using var net = new TinyCamNet(2, 1, 3, 2);
            net.Eval();
            foreach (var p in net.Parameters()) p.RequiresGrad = false;
            using (GradMode.NoGrad()) net.Head.Weight.Select(0, 1).Abs_().Neg_();   // class 1: negative weight on every (non-negative) channel
            var image = torch.Randn([1, 8, 8]);
            using var cam = GradCam.Compute(net, image, new GradCamOptions { TargetClass = 1 });
            Assert.True(cam.AllZero);
            Assert.Equal(0, cam.Map.Abs().Sum().ToDouble());
            Assert.False(cam.Map.IsNan().Any().ToDouble() != 0);
            foreach (var p in net.Parameters()) Assert.Null(p.Grad);
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void SmallCnnMatchesPyTorchHooks()
    {
        var baseline = LeakCheck.Baseline();
        using (var scope = DisposeScope.Open())
        {
            using var model = new SmallCnn(3, 3, 4);
            var keys = model.StateDict().Keys.ToList();
            model.LoadStateDict(keys.ToDictionary(k => k, k => G.Tensor("sd." + k)));
            model.Eval();
            var x = G.Tensor("input").Squeeze(0);
            var predicted = (int)G.Value("predicted");
            foreach (var layer in new[] { "features.relu3", "features.relu2" })
                foreach (var (method, name) in new[] { (CamMethod.GradCam, "gradcam"), (CamMethod.GradCamPlusPlus, "gradcam++") })
                {
                    using var cam = GradCam.Compute(model, x, new GradCamOptions { Layer = layer, Method = method });
                    Assert.Equal(predicted, cam.TargetClass);
                    TensorAssert.Close(G.Tensor($"cam_{layer}_{name}_predicted"), cam.Map, atol: 1e-5, rtol: 1e-4, what: $"{layer} {name}");
                    using var cam0 = GradCam.Compute(model, x, new GradCamOptions { Layer = layer, Method = method, TargetClass = 0 });
                    TensorAssert.Close(G.Tensor($"cam_{layer}_{name}_c0"), cam0.Map, atol: 1e-5, rtol: 1e-4, what: $"{layer} {name} class 0");
                }
            using (var zero = GradCam.Compute(model, x, new GradCamOptions { TargetClass = 0 }))
                Assert.True(zero.AllZero);   // PyTorch's map is all zeros too (no positive evidence for class 0 at relu3)

            // Occlusion (PyTorch: a Python loop, one forward per window) for every fill, and the edge-window rule.
            foreach (var fill in new[] { OcclusionFill.Zero, OcclusionFill.Mean, OcclusionFill.Blur })
            {
                using var map = OcclusionSensitivity.Compute(model, x, new OcclusionOptions { Window = [8], Stride = [4], Fill = fill, BatchSize = 16 });
                Assert.Equal(G.Value("p0"), map.TargetProbability, 5);
                TensorAssert.Close(G.Tensor($"occlusion_{fill.ToString().ToLowerInvariant()}"), map.Map, atol: 2e-6, rtol: 1e-4, what: $"occlusion {fill}");
            }
            using (var edge = OcclusionSensitivity.Compute(model, x, new OcclusionOptions { Window = [6], Stride = [5] }))
                TensorAssert.Close(G.Tensor("occlusion_w6_s5"), edge.Map, atol: 2e-6, rtol: 1e-4, what: "occlusion window 6 stride 5");

            // Deletion curve of PyTorch's Grad-CAM map (the same saliency on both sides, so the pixel order is identical).
            var curve = Faithfulness.Deletion(model, x, G.Tensor("cam_features.relu3_gradcam_predicted"), predicted, new DeletionOptions { Steps = 10, BatchSize = 4 });
            TensorAssert.Close(G.Data("deletion_probabilities"), [.. curve.Probabilities], atol: 2e-6, rtol: 1e-5, what: "deletion curve");
            Assert.Equal(G.Value("deletion_auc"), curve.Auc, 5);
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void ResNet18MatchesTorchvisionWithHooks()
    {
        var baseline = LeakCheck.Baseline();
        var folder = Directory.CreateTempSubdirectory("medlearn-gradcam-");
        try
        {
            using var scope = DisposeScope.Open();
            torch.ManualSeed(3);
            using var model = ResNet.ResNet18(3);
            model.Eval();
            var weights = Path.Combine(folder.FullName, "resnet18.pt");
            model.SaveStateDictToFile(weights);
            var output = Path.Combine(folder.FullName, "resnet18_cam.json");
            var (code, stdout, stderr) = PythonOracle.RunScript(PythonOracle.RepoFile("tools/golden/gen_explain.py"), null, "--resnet18", weights, "--out", output);
            Assert.True(code == 0, $"gen_explain.py --resnet18 failed ({code}):\n{stdout}\n{stderr}");
            using var doc = JsonDocument.Parse(File.ReadAllText(output));
            Tensor Oracle(string name)
            {
                var e = doc.RootElement.GetProperty("tensors").GetProperty(name);
                return torch.FromSpan<float>(e.GetProperty("data").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(),
                    e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray());
            }
            var x = Oracle("input").Squeeze(0);
            var predicted = doc.RootElement.GetProperty("values").GetProperty("predicted").GetInt32();
            foreach (var layer in new[] { "layer4", "layer3" })
                foreach (var (method, name) in new[] { (CamMethod.GradCam, "gradcam"), (CamMethod.GradCamPlusPlus, "gradcam++") })
                {
                    using var cam = GradCam.Compute(model, x, new GradCamOptions { Layer = layer, Method = method });
                    Assert.Equal(predicted, cam.TargetClass);
                    TensorAssert.Close(Oracle($"{layer}_{name}"), cam.Map, atol: 1e-4, rtol: 1e-3, what: $"resnet18 {layer} {name}");
                }
            using var c1 = GradCam.Compute(model, x, new GradCamOptions { TargetClass = 1 });
            Assert.Equal("layer4", c1.Layer);
            TensorAssert.Close(Oracle("layer4_gradcam_c1"), c1.Map, atol: 1e-4, rtol: 1e-3, what: "resnet18 layer4 class 1");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void BadInputsAreClearErrors()
    {
        using var scope = DisposeScope.Open();
        using var net = new TinyCamNet(2, 1, 2, 2);
        net.Eval();
        var image = torch.Rand([1, 8, 8]);
        var unknown = Assert.Throws<ArgumentException>(() => GradCam.Compute(net, image, new GradCamOptions { Layer = "layer9" }));
        Assert.Contains("unknown layer 'layer9'; the model's layers are: conv, relu, pool", unknown.Message);
        using var resnet = ResNet.ResNet18(2);
        resnet.Eval();
        var names = Assert.Throws<ArgumentException>(() => resnet.ForwardWithActivations(torch.Rand([1, 3, 32, 32]), ["layer5"]));
        Assert.Contains("available: conv1, bn1, relu, maxpool, layer1, layer2, layer3, layer4", names.Message);

        using var net3d = new TinyCamNet(3, 1, 2, 2);
        net3d.Eval();
        var wrongDims = Assert.Throws<ArgumentException>(() => GradCam.Compute(net3d, image));
        Assert.Contains("the model is 3-D (volumes [C, D, H, W]) but the input is a 2-D image of shape [1, 8, 8]", wrongDims.Message);
        var wrongDims2 = Assert.Throws<ArgumentException>(() => GradCam.Compute(net, torch.Rand([1, 4, 8, 8])));
        Assert.Contains("the model is 2-D (images [C, H, W]) but the input is a 3-D volume", wrongDims2.Message);
        Assert.Throws<ArgumentException>(() => GradCam.Compute(net, torch.Rand([1, 1, 8, 8, 2, 2])));
        Assert.Throws<ArgumentException>(() => GradCam.Compute(net, image, new GradCamOptions { TargetClass = 5 }));
        using (GradMode.InferenceMode())
            Assert.Throws<InvalidOperationException>(() => GradCam.Compute(net, image));
        net.Train();
        Assert.Throws<InvalidOperationException>(() => GradCam.Compute(net, image));
    }
}
