using MedLearn.Experiments;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.SemiSupervised;

/// <summary>
/// The paired tests of the label sweep against scipy.stats (ttest_rel, wilcoxon exact; tools/golden/gen_semi.py) and
/// analytic values (sign test, edge cases).
/// </summary>
public sealed class PairedTestsTests
{
    private static Golden G => Golden.Load("semi");

    private static double[] List(string name) => [.. G.RawValue(name).EnumerateArray().Select(e => e.GetDouble())];

    [Theory]
    [InlineData("three")]
    [InlineData("five")]
    [InlineData("ties")]
    [InlineData("zero")]
    public void MatchScipy(string name)
    {
        var a = List($"paired_{name}_a");
        var b = List($"paired_{name}_b");
        var t = PairedTTest.Compute(a, b);
        Assert.Equal(G.Value($"paired_{name}_t"), t.Statistic, 9);
        Assert.Equal(G.Value($"paired_{name}_t_p"), t.PValue, 9);
        var w = WilcoxonSignedRankTest.Compute(a, b);
        Assert.Equal(G.Value($"paired_{name}_w"), w.Statistic, 12);
        Assert.Equal(G.Value($"paired_{name}_w_p"), w.PValue, 12);
    }

    [Fact]
    public void SignTestAndFloors()
    {
        var up = SignTest.Compute([0.7, 0.8, 0.9], [0.6, 0.7, 0.8]);
        Assert.Equal(3, up.Statistic);
        Assert.Equal(0.25, up.PValue, 15);            // 2 · (1/2)³
        Assert.Equal(0.25, up.MinimumPValue, 15);
        var mixed = SignTest.Compute([1, 1, 1, 1, 0], [0, 0, 0, 0, 1]);
        Assert.Equal(2 * 6 / 32.0, mixed.PValue, 15); // 2 · P(X ≤ 1), X ~ B(5, 1/2)
        Assert.Equal(1.0, SignTest.Compute([0.5, 0.6], [0.5, 0.6]).PValue);
        Assert.Equal(0.25, WilcoxonSignedRankTest.Compute([0.7, 0.8, 0.9], [0.6, 0.7, 0.8]).MinimumPValue, 15);
    }

    [Fact]
    public void EdgeCases()
    {
        Assert.True(double.IsNaN(PairedTTest.Compute([0.5], [0.4]).PValue));        // one pair: undefined
        var same = PairedTTest.Compute([0.5, 0.6, 0.7], [0.5, 0.6, 0.7]);
        Assert.Equal((0.0, 1.0), (same.Statistic, same.PValue));                      // all differences 0
        var constant = PairedTTest.Compute([0.6, 0.7, 0.8], [0.5, 0.6, 0.7]); // differences equal up to decimal round-off
        Assert.Equal((double.PositiveInfinity, 0.0), (constant.Statistic, constant.PValue)); // equal non-zero differences
        Assert.Equal(1.0, WilcoxonSignedRankTest.Compute([0.5, 0.6], [0.5, 0.6]).PValue);
        Assert.Throws<ArgumentException>(() => PairedTTest.Compute([1, 2], [1]));
        Assert.Throws<ArgumentException>(() => SignTest.Compute([1, double.NaN], [1, 2]));
        // Average ranks with ties: |d| = 3, 1, 3, 2 → ranks 3.5, 1, 3.5, 2.
        Assert.Equal([3.5, 1, 3.5, 2], WilcoxonSignedRankTest.AverageRanks([3, 1, 3, 2]));
        // Incomplete beta: I_x(1, 1) = x; I_0.5(a, a) = 1/2; the t tail with 1 degree of freedom is Cauchy: p(t = 1) = 1/2.
        Assert.Equal(0.3, SpecialFunctions.RegularizedIncompleteBeta(0.3, 1, 1), 13);
        Assert.Equal(0.5, SpecialFunctions.RegularizedIncompleteBeta(0.5, 3.5, 3.5), 13);
        Assert.Equal(0.5, PairedTTest.Compute([2, 0], [0, 0]).PValue, 12); // d = (2, 0): t = 1, ν = 1
    }
}
