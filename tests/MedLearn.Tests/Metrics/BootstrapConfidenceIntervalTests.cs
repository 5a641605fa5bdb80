using MedLearn.Metrics;

namespace MedLearn.Tests.Metrics;

public class BootstrapConfidenceIntervalTests
{
    [Fact]
    public void ResamplesHaveLengthNWithRepeatsAndSeedsChangeThem()
    {
        var seen = new List<int[]>();
        var r = BootstrapConfidenceInterval.Compute(50, idx => { seen.Add([.. idx]); return idx.Count; }, resamples: 30, seed: 11);
        Assert.Equal(31, seen.Count);                                   // 30 resamples + the full-sample estimate
        Assert.Equal(Enumerable.Range(0, 50), seen[^1]);
        Assert.All(seen.Take(30), s => Assert.Equal(50, s.Length));
        Assert.All(seen.Take(30), s => Assert.All(s, i => Assert.InRange(i, 0, 49)));
        Assert.All(seen.Take(30), s => Assert.True(s.Distinct().Count() < 50));  // with replacement: 50 draws from 50 repeat
        Assert.Equal((50.0, 50.0, 50.0, 30), (r.Lower!.Value, r.Upper!.Value, r.Estimate!.Value, r.ResamplesUsed));

        var again = new List<int[]>();
        BootstrapConfidenceInterval.Compute(50, idx => { again.Add([.. idx]); return 0; }, resamples: 30, seed: 11);
        Assert.Equal(seen, again);
        var other = new List<int[]>();
        BootstrapConfidenceInterval.Compute(50, idx => { other.Add([.. idx]); return 0; }, resamples: 30, seed: 12);
        Assert.NotEqual(seen.Take(30), other.Take(30));
    }

    [Fact]
    public void DrawsAreUniformOverTheIndices()
    {
        var counts = new int[5];
        BootstrapConfidenceInterval.Compute(5, idx => { foreach (var i in idx) counts[i]++; return 0; }, resamples: 4000, seed: 1);
        // 20 000 draws (+5 for the estimate): each index expects 4 001; 5 standard deviations ≈ 300
        Assert.All(counts, c => Assert.InRange(c, 3700, 4300));
    }

    [Fact]
    public void DegenerateResamplesAreSkippedAndCounted()
    {
        var calls = 0;
        var r = BootstrapConfidenceInterval.Compute(10, _ => ++calls % 3 == 0 ? double.NaN : calls, resamples: 30);
        Assert.Equal(30, r.ResamplesRequested);
        Assert.Equal(20, r.ResamplesUsed);
        var none = BootstrapConfidenceInterval.Compute(10, _ => double.NaN, resamples: 10);
        Assert.Equal((0, (double?)null, (double?)null, (double?)null), (none.ResamplesUsed, none.Lower, none.Upper, none.Estimate));
    }

    [Fact]
    public void PercentilesUseLinearInterpolationOverTheUsedValues()
    {
        // values 1..R in resample order: percentiles of 1..40 at 2.5 and 97.5 are 1.975 and 39.025 (numpy)
        var k = 0;
        var r = BootstrapConfidenceInterval.Compute(3, _ => k < 40 ? ++k : -1, resamples: 40);
        Assert.Equal(1.975, r.Lower!.Value, 1e-12);
        Assert.Equal(39.025, r.Upper!.Value, 1e-12);
        var j = 0;
        var r90 = BootstrapConfidenceInterval.Compute(3, _ => j < 11 ? j++ : 99, resamples: 11, confidenceLevel: 0.9);
        Assert.Equal(0.5, r90.Lower!.Value, 1e-12);                         // position 0.05·10
        Assert.Equal(9.5, r90.Upper!.Value, 1e-12);                         // position 0.95·10
    }

    [Fact]
    public void AggregateIntervalsAreDeterministicAndContainTheEstimateForALargeSample()
    {
        var rng = new Random(5);
        var t = Enumerable.Range(0, 80).Select(i => i % 3).ToArray();
        var p = t.Select(k =>
        {
            var row = Enumerable.Range(0, 3).Select(j => (j == k ? 1.5 : 0) + rng.NextDouble()).ToArray();
            var s = row.Sum();
            return row.Select(v => v / s).ToArray();
        }).ToArray();
        var options = new ClassificationEvaluationOptions { BootstrapSamples = 200, BootstrapSeed = 3 };
        var a = ClassificationEvaluation.Compute(t, p, ["x", "y", "z"], options);
        var b = ClassificationEvaluation.Compute(t, p, ["x", "y", "z"], options);
        Assert.Equal(a.Bootstrap, b.Bootstrap);
        var ci = a.Bootstrap!;
        Assert.Equal(a.Accuracy, ci.Accuracy.Estimate);
        Assert.Equal(a.MacroAuc, ci.MacroAuc.Estimate);
        Assert.Equal(a.KappaQuadratic, ci.KappaQuadratic.Estimate);
        foreach (var x in new[] { ci.Accuracy, ci.BalancedAccuracy, ci.MacroF1, ci.MacroAuc, ci.KappaQuadratic })
        {
            Assert.Equal(200, x.ResamplesUsed);
            Assert.InRange(x.Estimate!.Value, x.Lower!.Value, x.Upper!.Value);
        }
    }
}
