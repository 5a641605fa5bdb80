using MedLearn.Data.Datasets;

namespace MedLearn.Tests.Datasets;

public class ClassBalanceTests
{
    [Fact]
    public void CountsIgnoreUnlabeledItems()
    {
        var ds = SplitTests.Synthetic();
        Assert.Equal([10L, 7, 3], ClassBalance.Counts(ds));
        var part = DatasetSplitter.WithLabeledFraction(ds, 0.5, seed: 1);
        Assert.Equal([5L, 4, 2], ClassBalance.Counts(part)); // R(5)=5, R(3.5)=4, R(1.5)=2
        Assert.Equal([10L, 7, 3], ClassBalance.Counts(part, labeledOnly: false));
    }

    [Fact]
    public void WeightsAreInverseFrequencyWithMeanOne()
    {
        // n = [10, 7, 3]: w_c = 3 (1/n_c) / (1/10 + 1/7 + 1/3)
        var w = ClassBalance.Weights([10, 7, 3]);
        var s = 1.0 / 10 + 1.0 / 7 + 1.0 / 3;
        Assert.Equal(3 * (1.0 / 10) / s, w[0], 12);
        Assert.Equal(3 * (1.0 / 7) / s, w[1], 12);
        Assert.Equal(3 * (1.0 / 3) / s, w[2], 12);
        Assert.Equal(1.0, w.Average(), 12);
        Assert.Equal(10.0 / 3, w[2] / w[0], 12);
        Assert.Equal([1.0, 1.0], ClassBalance.Weights([4, 4]));
    }

    [Fact]
    public void ZeroCountClassThrowsOrGetsWeightZero()
    {
        var e = Assert.Throws<DatasetException>(() => ClassBalance.Weights([5, 0, 10], ["a", "rare", "c"]));
        Assert.Contains("'rare' (class 1)", e.Message);
        var w = ClassBalance.Weights([5, 0, 10], zeroCount: ZeroCountPolicy.ZeroWeight);
        Assert.Equal(0, w[1]);
        Assert.Equal(1.0, (w[0] + w[2]) / 2, 12);
        Assert.Equal(2.0, w[0] / w[2], 12);
        Assert.Throws<DatasetException>(() => ClassBalance.Weights([0, 0], zeroCount: ZeroCountPolicy.ZeroWeight));
    }
}
