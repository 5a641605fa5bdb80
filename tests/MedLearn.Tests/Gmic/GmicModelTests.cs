using MedLearn.Methods.Gmic;
using MedLearn.Models;
using MedLearn.Models.Gmic;
using MedLearn.Torch;
using MedLearn.Torch.Nn;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Gmic;

/// <summary>
/// GMIC's components against analytic values, and the whole model (forward in eval mode, loss and gradients in
/// train mode) against an independent PyTorch implementation with the same deterministic weights
/// (tools/golden/gen_gmic.py).
/// </summary>
public sealed class GmicModelTests
{
    private static Golden G => Golden.Load("gmic");

    [Theory]
    [InlineData(5, 10, 0.05, 2)]   // 2.5 -> 2 (half to even; away-from-zero would give 3)
    [InlineData(5, 6, 0.15, 4)]    // 4.5 -> 4
    [InlineData(5, 6, 0.05, 2)]    // 1.5 -> 2
    [InlineData(5, 10, 0.07, 4)]   // 3.5000000000000004 -> 4
    [InlineData(46, 30, 0.02, 28)] // the default grid: 27.6 -> 28
    [InlineData(4, 4, 0.001, 1)]   // 0.016 rounds to 0: at least one value
    [InlineData(4, 4, 1.0, 16)]    // t = 1: average pooling
    public void TopTPercentKRoundsHalfToEven(long h, long w, double t, long expected) =>
        Assert.Equal(expected, TopTPercentPooling.K(h, w, t));

    [Fact]
    public void TopTPercentPoolingAveragesTheLargestValues()
    {
        using var scope = DisposeScope.Open();
        // Class 0 holds 1..50 (shuffled order), class 1 holds 50..1 scaled by 0.1.
        var values = Enumerable.Range(1, 50).Select(v => (float)((v * 37) % 50 + 1)).ToArray();
        var map = torch.Stack([torch.FromArray(values, 5, 10), torch.FromArray(values, 5, 10) * 0.1]).Unsqueeze(0);
        var y = TopTPercentPooling.Forward(map, 0.05).ToArray<float>(); // k = 2: (50 + 49) / 2
        Assert.Equal(49.5, y[0], 5);
        Assert.Equal(4.95, y[1], 5);
        Assert.Equal(25.5, TopTPercentPooling.Forward(map, 1.0).ToArray<float>()[0], 5);  // mean of 1..50
        Assert.Equal(50, TopTPercentPooling.Forward(map, 0.01).ToArray<float>()[0], 5);   // k = round(0.5) = 0 -> 1: max
    }

    [Fact]
    public void RetrieveRoiPicksWindowsGreedilyInOrder()
    {
        using var scope = DisposeScope.Open();
        // 6x6 grid, input 60x60, crop 20 -> window round(20 * 6 / 60) = 2.
        var m = new float[36];
        void Set(int r, int c, float v) => m[r * 6 + c] = v;
        Set(4, 4, 9); Set(4, 5, 9); Set(5, 4, 9); Set(5, 5, 9);  // best 2x2 block: sum 36, lower right
        Set(1, 1, 10);                                              // single peak: windows containing it sum 10
        Set(0, 4, 6); Set(1, 4, 6);                                 // a vertical pair: sum 12 for windows (0,3),(0,4)
        // Class 1 is class 0 scaled and shifted: normalising makes both the same, so M = 2 * normalised class 0.
        var c0 = torch.FromArray(m, 6, 6);
        var maps = torch.Stack([c0, c0 * 3.0 + 7.0]).Unsqueeze(0);
        var wins = RoiRetrieval.Retrieve(maps, 60, 60, 20, 20, 4)[0];
        // 1: (4,4) sum 36. 2: the pair (0,4) and (0,3) tie at 12 -> first in row-major is (0,3).
        // 3: peak (1,1): windows (0,0),(0,1),(1,0),(1,1) tie at 10 -> (0,0). 4: all remaining windows are 0 -> (0,0)
        //    is masked to 0 too and still the first maximum (0 ties everywhere).
        Assert.Equal(new RoiWindow(4, 4, 40, 40), wins[0]);
        Assert.Equal(new RoiWindow(0, 3, 0, 30), wins[1]);
        Assert.Equal(new RoiWindow(0, 0, 0, 0), wins[2]);
        Assert.Equal(new RoiWindow(0, 0, 0, 0), wins[3]);
    }

    [Fact]
    public void RetrieveRoiOnAConstantMapTilesInRowMajorOrder()
    {
        using var scope = DisposeScope.Open();
        // A constant map normalises to 0 everywhere: every window ties, so the first window in row-major order
        // wins each time (masking zeros changes nothing). Input corners: round(r / 6 * 70).
        var wins = RoiRetrieval.Retrieve(torch.Ones([1, 2, 6, 6]), 70, 70, 20, 20, 2)[0];
        Assert.All(wins, w => Assert.Equal(new RoiWindow(0, 0, 0, 0), w));
        Assert.Equal(2, RoiRetrieval.ToInput(1, 4, 10));   // 2.5 -> 2
        Assert.Equal(8, RoiRetrieval.ToInput(3, 4, 10));   // 7.5 -> 8
        Assert.Equal((2, 2), RoiRetrieval.GridWindow(6, 5, 384, 320, 96, 96)); // 1.5 -> 2 both ways
    }

    [Fact]
    public void RetrieveRoiRejectsCropsLargerThanTheImageAndTooManyPatches()
    {
        using var scope = DisposeScope.Open();
        var small = Assert.Throws<ArgumentException>(() => RoiRetrieval.Retrieve(torch.Ones([1, 1, 2, 2]), 100, 200, 256, 256, 1));
        Assert.Contains("smaller than the GMIC crop size", small.Message);
        // 6x6 grid with 2x2 windows: 9 non-overlapping windows.
        RoiRetrieval.Retrieve(torch.Rand([1, 1, 6, 6]), 60, 60, 20, 20, 9);
        var many = Assert.Throws<ArgumentException>(() => RoiRetrieval.Retrieve(torch.Rand([1, 1, 6, 6]), 60, 60, 20, 20, 10));
        Assert.Contains("K = 10", many.Message);
    }

    [Fact]
    public void CropsFillWithTheImageMinimumAtEachBorder()
    {
        using var scope = DisposeScope.Open();
        const int h = 10, w = 12, ch = 4, cw = 5;
        // Two images: pixel (r, c) = r * 12 + c - 5 (min -5) and its double (min -10).
        var px = Enumerable.Range(0, h * w).Select(i => (float)(i - 5)).ToArray();
        var image = torch.FromArray(px, 1, 1, h, w);
        var images = torch.Cat([image, image * 2.0], 0);
        RoiWindow[] corners = [new(0, 0, -2, 3), new(0, 0, 8, 4), new(0, 0, 3, -3), new(0, 0, 5, 9), new(0, 0, 2, 2)]; // top, bottom, left, right, inside
        var patches = PatchCropper.Crop(images, [corners, corners[..1]], ch, cw);
        Assert.Equal([6, 1, ch, cw], patches.Shape);
        var got = patches.ToArray<float>();
        for (var p = 0; p < 6; p++)
        {
            var (win, scale) = p < 5 ? (corners[p], 1.0) : (corners[0], 2.0);
            for (var r = 0; r < ch; r++)
                for (var c = 0; c < cw; c++)
                {
                    int y = win.Row + r, x = win.Column + c;
                    var expected = y >= 0 && y < h && x >= 0 && x < w ? (y * w + x - 5) * scale : -5 * scale;
                    Assert.Equal(expected, got[(p * ch + r) * cw + c]);
                }
        }
    }

    [Fact]
    public void GatedAttentionMatchesTheFormulaOnFixedWeights()
    {
        using var scope = DisposeScope.Open();
        using var v = new Linear(2, 1, bias: false);
        using var u = new Linear(2, 1, bias: false);
        using var wl = new Linear(1, 1, bias: false);
        using (GradMode.NoGrad())
        {
            v.Weight.CopyFrom(torch.FromArray(new float[] { 1, 0 }, 1, 2));
            u.Weight.CopyFrom(torch.FromArray(new float[] { 0, 1 }, 1, 2));
            wl.Weight.CopyFrom(torch.FromArray(new float[] { 2 }, 1, 1));
        }
        // h1 = (0, 0): s = 2 tanh(0) sigmoid(0) = 0. h2 = (atanh 0.5, 0): s = 2 * 0.5 * 0.5 = 0.5.
        // h3 = (atanh 0.5, ln 3): sigmoid = 0.75, s = 0.75.
        var a5 = Math.Atanh(0.5);
        var h = torch.FromArray(new float[] { 0, 0, (float)a5, 0, (float)a5, (float)Math.Log(3) }, 1, 3, 2);
        var (z, attention) = GatedAttention.Forward(h, v, u, wl);
        double[] s = [0, 0.5, 0.75];
        var denom = s.Sum(Math.Exp);
        var a = s.Select(x => Math.Exp(x) / denom).ToArray();
        TensorAssert.Close(a, attention.ToArray<float>().Select(x => (double)x).ToArray(), 1e-6, 1e-6);
        TensorAssert.Close([(a[1] + a[2]) * a5, a[2] * Math.Log(3)], z.ToArray<float>().Select(x => (double)x).ToArray(), 1e-6, 1e-6);
    }

    [Fact]
    public void ParameterNamesAndCountAreTheAuthors()
    {
        using var model = new GmicModel(new GmicOptions());
        using var scope = DisposeScope.Open();
        var expectedKeys = G.RawValue("keys").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(expectedKeys, model.StateDict().Keys.ToArray());
        Assert.Contains("left_postprocess_net.gn_conv_last.weight", expectedKeys);
        Assert.Contains("dn_resnet.layer4.1.bn2.running_var", expectedKeys);
        Assert.DoesNotContain("dn_resnet.fc.weight", expectedKeys);

        // Hand count: ResNet-22 trunk (1 input channel), saliency 256 x 2, ResNet-18 without fc, attention
        // 2 x 512 x 128 + 128, classifier 512 x 2, fusion 768 x 2 + 2.
        using var trunk = PreActResNet.ResNet22Trunk(1);
        var expected = trunk.ParameterCount() + 256 * 2 + (11_689_512 - 513_000) + 2 * 512 * 128 + 128 + 512 * 2 + 768 * 2 + 2;
        Assert.Equal(expected, model.ParameterCount());
        Assert.Equal((long)G.Value("params"), model.ParameterCount());
        Assert.InRange(model.ParameterCount(), 14_050_000, 14_150_000); // "about 14.1 M"
    }

    [Fact]
    public void FullSizeGlobalFeatureMapIs46By30()
    {
        using var model = new GmicModel(new GmicOptions());
        model.Eval();
        using var scope = DisposeScope.Open();
        using var noGrad = GradMode.NoGrad();
        Assert.Equal([1, 256, 46, 30], model.GlobalFeatures(torch.Zeros(1, 1, 2944, 1920)).Shape);
    }

    [Fact]
    public void ForwardMatchesThePyTorchOracle()
    {
        var baseline = LeakCheck.Baseline();
        using (var model = new GmicModel(new GmicOptions(TopTPercent: 0.1, Patches: 3, CropHeight: 96, CropWidth: 96)))
        {
            GmicOracle.DeterministicState(model);
            model.Eval();
            using var scope = DisposeScope.Open();
            using var noGrad = GradMode.NoGrad();
            var output = model.Forward(GmicOracle.Image(2, 384, 320));
            AssertWindows("fwd_windows", output.Windows);
            TensorAssert.Close(G.Tensor("fwd_saliency"), output.Saliency, 1e-5, 1e-4);
            TensorAssert.Close(G.Tensor("fwd_global"), output.Global, 1e-5, 1e-4);
            TensorAssert.Close(G.Tensor("fwd_local_logits"), output.LocalLogits, 1e-4, 1e-4);
            TensorAssert.Close(G.Tensor("fwd_fusion_logits"), output.FusionLogits, 1e-4, 1e-4);
            TensorAssert.Close(G.Tensor("fwd_attention"), output.Attention, 1e-6, 1e-5);
        }
        Assert.Equal(baseline, LeakCheck.Baseline());
    }

    [Fact]
    public void TrainingLossAndGradientsMatchThePyTorchOracle()
    {
        using var model = new GmicModel(new GmicOptions(TopTPercent: 0.1, Patches: 3, CropHeight: 96, CropWidth: 96));
        GmicOracle.DeterministicState(model);
        model.Train();
        using var scope = DisposeScope.Open();
        var output = model.Forward(GmicOracle.Image(2, 384, 320));
        AssertWindows("loss_windows", output.Windows);
        var targets = torch.FromArray(new float[] { 1, 0, 0, 1 }, 2, 2);
        var terms = GmicLoss.Compute(output, targets, G.Value("loss_beta"));
        Assert.Equal(G.Value("loss"), terms.Total.ToDouble(), 4);
        terms.Total.Backward();
        var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var name in new[] { "fusion_network.weight", "mil_attn_w.weight", "left_postprocess_net.gn_conv_last.weight", "ds_net.first_conv.weight",
                     "dn_resnet.layer4.1.bn2.weight", "dn_resnet.bn1.weight" })
        {
            // Weight gradients sum over every position, and their summation order depends on the thread count
            // (Python's own 1- and 2-thread runs differ by ~2e-5 of the largest element): scale atol by it.
            var expected = G.Tensor("grad_" + name);
            TensorAssert.Close(expected, parameters[name].Grad!, 1e-4 * expected.Abs().Max().ToDouble(), 1e-4, name);
        }
    }

    private static void AssertWindows(string name, RoiWindow[][] windows)
    {
        var expected = G.RawValue(name).EnumerateArray()
            .Select(img => img.EnumerateArray().Select(w => { var v = w.EnumerateArray().Select(e => e.GetInt32()).ToArray(); return new RoiWindow(v[0], v[1], v[2], v[3]); }).ToArray())
            .ToArray();
        Assert.Equal(expected, windows);
    }
}
