using FsCheck;
using FsCheck.Fluent;
using MedLearn.Metrics;

namespace MedLearn.Tests.Metrics;

/// <summary>FsCheck properties that hold for every input (each one could fail for a wrong implementation).</summary>
public class MetricPropertyTests
{
    private static readonly Config Cfg = Config.QuickThrowOnFailure.WithMaxTest(150);

    /// <summary>Random (targets, predictions, C) with N in 1..40 and C in 2..5.</summary>
    private static Arbitrary<(int[] T, int[] P, int C)> Labelled() =>
        (from c in Gen.Choose(2, 5)
         from n in Gen.Choose(1, 40)
         from t in Gen.Choose(0, c - 1).ArrayOf(n)
         from p in Gen.Choose(0, c - 1).ArrayOf(n)
         select (t, p, c)).ToArbitrary();

    /// <summary>Binary truth with integer scores in −6..6 (many ties), both classes present.</summary>
    private static Arbitrary<(bool[] Pos, int[] S)> Scored() =>
        (from n in Gen.Choose(2, 30)
         from pos in Gen.Elements(true, false).ArrayOf(n)
         from s in Gen.Choose(-6, 6).ArrayOf(n)
         where pos.Contains(true) && pos.Contains(false)
         select (pos, s)).ToArbitrary();

    [Fact]
    public void ConfusionMatrixCountsEverySampleOnceWithTheRightMarginals()
    {
        Prop.ForAll(Labelled(), x =>
        {
            var m = ConfusionMatrix.Compute(x.T, x.P, x.C);
            return ConfusionMatrix.Total(m) == x.T.Length
                   && Enumerable.Range(0, x.C).All(k => m[k].Sum() == x.T.Count(v => v == k)
                                                        && m.Sum(r => r[k]) == x.P.Count(v => v == k));
        }).Check(Cfg);
    }

    [Fact]
    public void AccuracyEqualsTraceAndWeightedRecallAndOneMinusZeroOneCost()
    {
        Prop.ForAll(Labelled(), x =>
        {
            var acc = Accuracy.Compute(x.T, x.P);
            var m = ConfusionMatrix.Compute(x.T, x.P, x.C);
            var zeroOne = Enumerable.Range(0, x.C).Select(i => Enumerable.Range(0, x.C).Select(j => i == j ? 0.0 : 1.0).ToArray()).ToArray();
            return Math.Abs(acc - (double)Enumerable.Range(0, x.C).Sum(k => m[k][k]) / x.T.Length) < 1e-12
                   && Math.Abs(acc - Recall.Weighted(m)) < 1e-12
                   && Math.Abs(1 - acc - WeightedError.Compute(m, zeroOne)) < 1e-12;
        }).Check(Cfg);
    }

    [Fact]
    public void ScoresStayInTheirRanges()
    {
        Prop.ForAll(Labelled(), x =>
        {
            var m = ConfusionMatrix.Compute(x.T, x.P, x.C);
            double[] unit = [BalancedAccuracy.Compute(m), Precision.Macro(m), Recall.Macro(m), Specificity.Macro(m), F1Score.Macro(m), F1Score.Weighted(m)];
            var kappa = CohenKappa.Compute(m, KappaWeighting.Quadratic);
            return unit.All(v => v >= 0 && v <= 1) && (double.IsNaN(kappa) || kappa <= 1 + 1e-12);
        }).Check(Cfg);
    }

    [Fact]
    public void KappaOfIdenticalLabelsIsOne()
    {
        Prop.ForAll(Labelled(), x =>
        {
            var distinct = x.T.Distinct().Count();
            return Enum.GetValues<KappaWeighting>().All(w =>
            {
                var k = CohenKappa.Compute(x.T, x.T, x.C, w);
                // with a single class the expected disagreement is 0: kappa is 0/0, reported as NaN
                return distinct >= 2 ? Math.Abs(k - 1) < 1e-12 : double.IsNaN(k);
            });
        }).Check(Cfg);
    }

    [Fact]
    public void KappaIsSymmetricInItsTwoRaters()
    {
        Prop.ForAll(Labelled(), x => Enum.GetValues<KappaWeighting>().All(w =>
        {
            var (a, b) = (CohenKappa.Compute(x.T, x.P, x.C, w), CohenKappa.Compute(x.P, x.T, x.C, w));
            return double.IsNaN(a) ? double.IsNaN(b) : Math.Abs(a - b) < 1e-12;
        })).Check(Cfg);
    }

    [Fact]
    public void AucEqualsTheMannWhitneyPairCount()
    {
        Prop.ForAll(Scored(), x =>
        {
            double pairs = 0, wins = 0;
            for (var i = 0; i < x.S.Length; i++)
                for (var j = 0; j < x.S.Length; j++)
                    if (x.Pos[i] && !x.Pos[j])
                    {
                        pairs++;
                        wins += x.S[i] > x.S[j] ? 1 : x.S[i] == x.S[j] ? 0.5 : 0;
                    }
            return Math.Abs(RocAuc.Binary(x.Pos, [.. x.S.Select(v => (double)v)]) - wins / pairs) < 1e-12;
        }).Check(Cfg);
    }

    [Fact]
    public void RocCurveIsInvariantUnderStrictlyIncreasingTransformsAndReversesUnderNegation()
    {
        Prop.ForAll(Scored(), x =>
        {
            var raw = x.S.Select(v => (double)v).ToArray();
            var a = RocCurve.Compute(x.Pos, raw);
            var b = RocCurve.Compute(x.Pos, [.. x.S.Select(v => Math.Exp(0.7 * v) + v * v * v)]);
            var neg = RocAuc.Binary(x.Pos, [.. raw.Select(v => -v)]);
            return a.Fpr.SequenceEqual(b.Fpr) && a.Tpr.SequenceEqual(b.Tpr) && Math.Abs(a.Area() - b.Area()) < 1e-12
                   && Math.Abs(neg - (1 - a.Area())) < 1e-12;
        }).Check(Cfg);
    }

    [Fact]
    public void RocCurveIsMonotoneFromOriginToOneOne()
    {
        Prop.ForAll(Scored(), x =>
        {
            var r = RocCurve.Compute(x.Pos, [.. x.S.Select(v => (double)v)]);
            var n = r.Fpr.Length;
            return (r.Fpr[0], r.Tpr[0], r.Fpr[^1], r.Tpr[^1]) == (0, 0, 1, 1)
                   && Enumerable.Range(1, n - 1).All(i => r.Fpr[i] >= r.Fpr[i - 1] && r.Tpr[i] >= r.Tpr[i - 1] && r.Thresholds[i] < r.Thresholds[i - 1]);
        }).Check(Cfg);
    }

    [Fact]
    public void BootstrapIsDeterministicForASeedAndBracketsAConstantMetric()
    {
        Prop.ForAll(Gen.Choose(1, 30).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (n, seed) =>
        {
            var data = Enumerable.Range(0, n).Select(i => (double)(i * 7 % 5)).ToArray();
            double Mean(IReadOnlyList<int> idx) => idx.Average(i => data[i]);
            var a = BootstrapConfidenceInterval.Compute(n, Mean, 50, seed);
            var b = BootstrapConfidenceInterval.Compute(n, Mean, 50, seed);
            var constant = BootstrapConfidenceInterval.Compute(n, _ => 0.25, 20, seed);
            return a == b && a.Lower <= a.Upper && a.Lower >= data.Min() && a.Upper <= data.Max()
                   && (constant.Lower, constant.Upper, constant.Estimate, constant.ResamplesUsed) == (0.25, 0.25, 0.25, 20);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }
}
