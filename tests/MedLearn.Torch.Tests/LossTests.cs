using MedLearn.Torch.Nn;
using F = MedLearn.Torch.Nn.Functional;

namespace MedLearn.Torch.Tests;

public class LossTests
{
    private static readonly Dictionary<string, Func<Tensor[], Tensor[]>> Cases = new()
    {
        ["ce"] = a => [F.CrossEntropy(a[0], a[1])],
        ["ce_weight_sum"] = a => [F.CrossEntropy(a[0], a[1], a[2], Reduction.Sum)],
        ["ce_smooth"] = a => [F.CrossEntropy(a[0], a[1], a[2], labelSmoothing: 0.1)],
        ["ce_ignore"] = a => [F.CrossEntropy(a[0], a[1], a[2], ignoreIndex: 2, labelSmoothing: 0.2)],
        ["ce_none"] = a => [F.CrossEntropy(a[0], a[1], reduction: Reduction.None, ignoreIndex: 3)],
        ["ce_probs"] = a => [F.CrossEntropy(a[0], a[1], a[2], labelSmoothing: 0.15)],
        ["ce_nd"] = a => [F.CrossEntropy(a[0], a[1], labelSmoothing: 0.05)],
        ["nll"] = a => [F.NllLoss(a[0], a[1], a[2], ignoreIndex: 2)],
        ["nll_none"] = a => [F.NllLoss(a[0], a[1], reduction: Reduction.None)],
        ["nll_nd"] = a => [F.NllLoss(a[0], a[1])],
        ["bce"] = a => [F.BinaryCrossEntropy(a[0], a[1])],
        ["bce_weight_sum"] = a => [F.BinaryCrossEntropy(a[0], a[1], a[2], Reduction.Sum)],
        ["bce_none"] = a => [F.BinaryCrossEntropy(a[0], a[1], reduction: Reduction.None)],
        ["bce_logits"] = a => [F.BinaryCrossEntropyWithLogits(a[0], a[1])],
        ["bce_logits_pos"] = a => [F.BinaryCrossEntropyWithLogits(a[0], a[1], a[2], a[3])],
        ["bce_logits_none"] = a => [F.BinaryCrossEntropyWithLogits(a[0], a[1], posWeight: a[2], reduction: Reduction.None)],
        ["mse"] = a => [F.MseLoss(a[0], a[1])],
        ["mse_sum"] = a => [F.MseLoss(a[0], a[1], Reduction.Sum)],
        ["l1"] = a => [F.L1Loss(a[0], a[1])],
        ["l1_none"] = a => [F.L1Loss(a[0], a[1], Reduction.None)],
        ["smooth_l1"] = a => [F.SmoothL1Loss(a[0], a[1], beta: 0.5)],
        ["smooth_l1_beta0"] = a => [F.SmoothL1Loss(a[0], a[1], Reduction.Sum, beta: 0)],
        ["huber"] = a => [F.HuberLoss(a[0], a[1], delta: 0.7)],
        ["kl_batchmean"] = a => [F.KlDiv(a[0], a[1], Reduction.BatchMean)],
        ["kl_logtarget_sum"] = a => [F.KlDiv(a[0], a[1], Reduction.Sum, logTarget: true)],
        ["kl_mean"] = a => [F.KlDiv(a[0], a[1])],
        ["kl_none"] = a => [F.KlDiv(a[0], a[1], Reduction.None)],
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorchLossAndGradients(string name)
    {
        using var scope = DisposeScope.Open();
        NnGolden.Run(name, Cases[name]);
    }

    [Fact]
    public void CrossEntropyWithLabelSmoothingGradientMatchesFiniteDifferences()
    {
        using var scope = DisposeScope.Open();
        var target = torch.FromArray(new long[] { 0, 2, 1, 2 });
        var weight = torch.FromArray(new double[] { 0.5, 1.0, 2.0 });
        NnGradCheck.Check(a => F.CrossEntropy(a[0], target, weight, labelSmoothing: 0.2, ignoreIndex: 1), [NnGradCheck.Input(31, 1.5, 4, 3)]);
        var probs = F.Softmax(NnGradCheck.Input(32, 1, 4, 3).Detach(), 1);
        NnGradCheck.Check(a => F.CrossEntropy(a[0], probs, labelSmoothing: 0.1), [NnGradCheck.Input(33, 1.5, 4, 3)]);
    }

    [Fact]
    public void BceWithLogitsGradientMatchesFiniteDifferences()
    {
        using var scope = DisposeScope.Open();
        var target = torch.FromArray(new double[] { 1, 0, 0.3, 1, 0, 0.8 }, 2, 3);
        var posWeight = torch.FromArray(new double[] { 2.0, 0.5, 1.5 });
        var weight = torch.FromArray(new double[] { 0.5, 2.0 }, 2, 1);
        NnGradCheck.Check(a => F.BinaryCrossEntropyWithLogits(a[0], target, weight, posWeight), [NnGradCheck.Input(34, 2, 2, 3)]);
        NnGradCheck.Check(a => F.BinaryCrossEntropyWithLogits(a[0], target, reduction: Reduction.Sum), [NnGradCheck.Input(35, 3, 2, 3)]);
    }

    [Fact]
    public void CrossEntropyWithEveryRowIgnoredIsNaNForMeanAndZeroForSum()
    {
        using var scope = DisposeScope.Open();
        var x = torch.Randn(2, 3);
        var t = torch.FromArray(new long[] { 1, 1 });
        Assert.True(double.IsNaN(F.CrossEntropy(x, t, ignoreIndex: 1).ToDouble()));
        Assert.Equal(0.0, F.CrossEntropy(x, t, reduction: Reduction.Sum, ignoreIndex: 1).ToDouble());
    }

    [Fact]
    public void EmptyBatchGivesNaNMeanAndZeroSum()
    {
        using var scope = DisposeScope.Open();
        var x = torch.Zeros(0, 3);
        Assert.True(double.IsNaN(F.MseLoss(x, x).ToDouble()));
        Assert.Equal(0.0, F.MseLoss(x, x, Reduction.Sum).ToDouble());
        Assert.Equal(new long[] { 0 }, F.CrossEntropy(x, torch.Zeros([0], DType.Int64), reduction: Reduction.None).Shape);
    }

    [Fact]
    public void ArgumentErrorsAreReported()
    {
        using var scope = DisposeScope.Open();
        var x = torch.Rand(2, 3);
        Assert.Throws<ArgumentException>(() => F.MseLoss(x, x, Reduction.BatchMean));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.CrossEntropy(x, torch.Zeros([2], DType.Int64), labelSmoothing: 1.5));
        Assert.Throws<TorchArgumentException>(() => F.BinaryCrossEntropy(x, torch.Rand(3, 2)));
        Assert.Throws<TorchArgumentException>(() => F.BinaryCrossEntropyWithLogits(x, torch.Rand(2, 1)));
        Assert.Throws<TorchArgumentException>(() => F.CrossEntropy(x, torch.FromArray(new long[] { 0, 5 })));
        Assert.Throws<TorchArgumentException>(() => F.SmoothL1Loss(x, x, beta: -1));
    }
}
