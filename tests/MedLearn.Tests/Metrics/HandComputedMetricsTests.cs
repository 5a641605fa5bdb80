using MedLearn.Metrics;

namespace MedLearn.Tests.Metrics;

/// <summary>Metrics on small cases worked out by hand (fractions in the comments).</summary>
public class HandComputedMetricsTests
{
    private const double Tol = 1e-12;

    // Confusion (rows true, columns predicted):  [2 1 1]
    //                                            [1 2 0]
    //                                            [0 1 2]   support [4 3 3], predicted [3 4 3]
    private static readonly int[] T3 = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
    private static readonly int[] P3 = [0, 0, 1, 2, 1, 1, 0, 2, 2, 1];

    [Fact]
    public void ThreeClassCaseWorkedByHand()
    {
        Assert.Equal([[2L, 1, 1], [1, 2, 0], [0, 1, 2]], ConfusionMatrix.Compute(T3, P3, 3));
        Assert.Equal(0.6, Accuracy.Compute(T3, P3), Tol);
        Assert.Equal(11.0 / 18, BalancedAccuracy.Compute(T3, P3, 3), Tol);          // (1/2 + 2/3 + 2/3) / 3
        AssertClose([2.0 / 3, 0.5, 2.0 / 3], Precision.PerClass(T3, P3, 3));
        AssertClose([0.5, 2.0 / 3, 2.0 / 3], Recall.PerClass(T3, P3, 3));
        AssertClose([5.0 / 6, 5.0 / 7, 6.0 / 7], Specificity.PerClass(T3, P3, 3));   // TN/(TN+FP): 5/6, 5/7, 6/7
        AssertClose([4.0 / 7, 4.0 / 7, 2.0 / 3], F1Score.PerClass(T3, P3, 3));
        Assert.Equal(11.0 / 18, Precision.Macro(T3, P3, 3), Tol);
        Assert.Equal(38.0 / 63, F1Score.Macro(T3, P3, 3), Tol);                    // (4/7 + 4/7 + 2/3) / 3
        Assert.Equal(0.6, F1Score.Weighted(T3, P3, 3), Tol);                       // (4·4/7 + 3·4/7 + 3·2/3) / 10
        Assert.Equal(0.6, Recall.Weighted(T3, P3, 3), Tol);                        // weighted recall = accuracy
        Assert.Equal(27.0 / 67, CohenKappa.Compute(T3, P3, 3), Tol);               // (0.6 − 0.33) / (1 − 0.33)
        Assert.Equal(19.0 / 44, CohenKappa.Compute(T3, P3, 3, KappaWeighting.Linear), Tol);     // 1 − 5 / 8.8
        Assert.Equal(6.0 / 13, CohenKappa.Compute(T3, P3, 3, KappaWeighting.Quadratic), Tol);   // 1 − 7 / 13
        double[][] cost = [[0, 1, 4], [2, 0, 1], [8, 3, 0]];
        Assert.Equal(1.0, WeightedError.Compute(T3, P3, cost), Tol);              // (1 + 4 + 2 + 3) / 10
        Assert.Equal(0.4, WeightedError.Compute(T3, P3, [[0, 1, 1], [1, 0, 1], [1, 1, 0]]), Tol); // 1 − accuracy
    }

    [Fact]
    public void PerfectClassifierScoresOneEverywhere()
    {
        int[] t = [0, 1, 2, 2, 1, 0, 3, 3];
        var probs = t.Select(k => Enumerable.Range(0, 4).Select(j => j == k ? 1.0 : 0.0).ToArray()).ToArray();
        var r = ClassificationEvaluation.Compute(t, probs, ["a", "b", "c", "d"]);
        foreach (var v in new[] { r.Accuracy, r.BalancedAccuracy, r.MacroPrecision, r.MacroRecall, r.MacroSpecificity, r.MacroF1,
                     r.WeightedF1, r.MacroAuc!.Value, r.KappaUnweighted!.Value, r.KappaLinear!.Value, r.KappaQuadratic!.Value })
            Assert.Equal(1.0, v, Tol);
        Assert.All(r.PerClass, c => Assert.Equal(1.0, c.Auc!.Value, Tol));
        Assert.Equal(0.0, r.Ece, Tol);
        // one-hot rows are clipped at 1e-15: loss = −log((1 − ε) / (1 + 2ε)) ≈ 3e-15
        Assert.InRange(r.LogLoss, 0, 1e-14);
        Assert.All(r.RocCurves, c => Assert.Equal((0.0, 1.0), (c.Fpr[1], c.Tpr[1])));
    }

    [Fact]
    public void AllPredictionsOneClass()
    {
        int[] t = [0, 1, 2, 0, 1, 2];
        int[] p = [0, 0, 0, 0, 0, 0];
        Assert.Equal([[2L, 0, 0], [2, 0, 0], [2, 0, 0]], ConfusionMatrix.Compute(t, p, 3));
        Assert.Equal(1.0 / 3, Accuracy.Compute(t, p), Tol);
        Assert.Equal(1.0 / 3, BalancedAccuracy.Compute(t, p, 3), Tol);
        AssertClose([1.0 / 3, 0, 0], Precision.PerClass(t, p, 3));   // never-predicted classes: 0 (zero_division=0)
        AssertClose([1, 0, 0], Recall.PerClass(t, p, 3));
        AssertClose([0, 1, 1], Specificity.PerClass(t, p, 3));
        AssertClose([0.5, 0, 0], F1Score.PerClass(t, p, 3));
        Assert.Equal(1.0 / 6, F1Score.Macro(t, p, 3), Tol);
        foreach (var w in Enum.GetValues<KappaWeighting>()) Assert.Equal(0.0, CohenKappa.Compute(t, p, 3, w), Tol); // chance level
    }

    [Fact]
    public void MacroAveragesSkipClassesAbsentFromTargetsAndPredictionsButBalancedAccuracySkipsClassesAbsentFromTargets()
    {
        int[] t = [0, 0, 1, 1];
        int[] p = [0, 2, 1, 1];    // class 2 predicted but never true; class 3 nowhere
        // recall [1/2, 1, 0, 0]; macro over classes {0, 1, 2}; balanced accuracy over {0, 1}
        Assert.Equal(0.5, Recall.Macro(t, p, 4), Tol);
        Assert.Equal(0.75, BalancedAccuracy.Compute(t, p, 4), Tol);
        Assert.Equal(0.75, Recall.Weighted(t, p, 4), Tol);
    }

    [Fact]
    public void KappaIsUndefinedWhenBothListsHoldOneSameClass()
    {
        int[] t = [1, 1, 1];
        Assert.True(double.IsNaN(CohenKappa.Compute(t, t, 3)));
        var r = ClassificationEvaluation.Compute(t, [[0.1, 0.8, 0.1], [0.2, 0.7, 0.1], [0, 1, 0]], ["a", "b", "c"]);
        Assert.Null(r.KappaUnweighted);
        Assert.Null(r.KappaQuadratic);
        Assert.Null(r.MacroAuc);                                  // no class has both positives and negatives
        Assert.Empty(r.RocCurves);
        Assert.All(r.PerClass, c => Assert.Null(c.Auc));
        Assert.Equal(1.0, r.BalancedAccuracy, Tol);               // single present class: its recall
        Assert.Equal(1.0, r.MacroF1, Tol);                        // only class 1 occurs
        Assert.Equal(0.0, r.MacroSpecificity, Tol);               // class 1 has no negatives: 0 by the zero_division rule
    }

    [Fact]
    public void RocCurveWithTiedScoresWorkedByHand()
    {
        bool[] pos = [true, false, true, false];
        double[] s = [0.9, 0.8, 0.4, 0.4];
        var roc = RocCurve.Compute(pos, s);
        Assert.Equal([0.0, 0, 0.5, 1], roc.Fpr);
        Assert.Equal([0.0, 0.5, 0.5, 1], roc.Tpr);
        Assert.Equal([1.9, 0.9, 0.8, 0.4], roc.Thresholds);       // first = max + 1 (scikit-learn 1.2)
        Assert.Equal(0.625, roc.Area(), Tol);                       // pairs: 1 + 1 + 0 + ½ of 4
        Assert.Equal(0.625, RocAuc.Binary(pos, s), Tol);
    }

    [Fact]
    public void RocCurveDropsCollinearPoints()
    {
        var roc = RocCurve.Compute([true, true, false, false], [4.0, 3, 2, 1]);
        Assert.Equal([5.0, 4, 3, 1], roc.Thresholds);              // the point at threshold 2 lies on the segment
        Assert.Equal([0.0, 0, 0, 1], roc.Fpr);
        Assert.Equal([0.0, 0.5, 1, 1], roc.Tpr);
        Assert.Equal(1.0, roc.Area(), Tol);
        var two = RocCurve.Compute([true, false], [0.2, 0.7]);
        Assert.Equal([1.7, 0.7, 0.2], two.Thresholds);
        Assert.Equal(0.0, two.Area(), Tol);
    }

    [Fact]
    public void RocIsUndefinedWithoutPositivesOrNegatives()
    {
        var noPos = RocCurve.Compute([false, false, false], [0.1, 0.5, 0.3]);
        Assert.False(noPos.IsDefined);
        Assert.All(noPos.Tpr, v => Assert.True(double.IsNaN(v)));
        Assert.Equal([0.0, 1.0 / 3, 1], noPos.Fpr);                 // the collinear point at 0.3 is dropped
        Assert.Equal([1.5, 0.5, 0.1], noPos.Thresholds);            // as sklearn.metrics.roc_curve([0, 0, 0], ...)
        Assert.True(double.IsNaN(noPos.Area()));
        Assert.True(double.IsNaN(RocAuc.Binary([true, true], [0.1, 0.2])));
        // three classes, class 2 absent: excluded from the macro AUC (mean of classes 0 and 1)
        int[] t = [0, 1, 0, 1];
        double[][] p = [[0.7, 0.2, 0.1], [0.3, 0.6, 0.1], [0.4, 0.5, 0.1], [0.5, 0.3, 0.2]];
        var auc = RocAuc.PerClass(t, p);
        Assert.True(double.IsNaN(auc[2]));
        Assert.Equal((auc[0] + auc[1]) / 2, RocAuc.Macro(t, p), Tol);
        Assert.Equal(0.75, auc[0], Tol);    // class 0 scores 0.7, 0.4 vs negatives 0.3, 0.5: 3 of 4 pairs
    }

    [Fact]
    public void BinaryMacroAucIsClassOne()
    {
        int[] t = [0, 1, 1, 0, 1];
        double[][] p = [[0.6, 0.4], [0.3, 0.7], [0.55, 0.45], [0.8, 0.2], [0.5, 0.5]];
        Assert.Equal(RocAuc.Binary([false, true, true, false, true], [0.4, 0.7, 0.45, 0.2, 0.5]), RocAuc.Macro(t, p), Tol);
        Assert.Equal(1.0, RocAuc.Macro(t, p), Tol);
        Assert.Equal(0.75, RocAuc.Macro([0, 0, 0, 0, 1], p), Tol);        // 0.5 beats 0.4, 0.45, 0.2 but not 0.7
        Assert.True(double.IsNaN(RocAuc.Macro([0, 0, 0, 0, 0], p)));  // no positive: undefined
    }

    [Fact]
    public void LogLossWorkedByHand()
    {
        Assert.Equal(-(Math.Log(0.8) + Math.Log(0.6)) / 2, LogLoss.Compute([0, 1], [[0.8, 0.2], [0.4, 0.6]]), Tol);
        // a zero probability for the true class is clipped to 1e-15: −log(1e-15) = 34.538776...
        Assert.Equal(-Math.Log(1e-15), LogLoss.Compute([0], [[0.0, 1.0]]), 1e-9);
        Assert.Equal(-Math.Log(1e-3), LogLoss.Compute([0], [[0.0, 1.0]], epsilon: 1e-3), 1e-6);
    }

    [Fact]
    public void ExpectedCalibrationErrorWorkedByHand()
    {
        int[] t = [0, 1, 1, 0];
        double[][] p = [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.4, 0.6]];  // confidences .9 .8 .7 .6, correct T F T F
        // 15 bins: every sample alone in its bin -> (0.1 + 0.8 + 0.3 + 0.6) / 4
        Assert.Equal(0.45, ExpectedCalibrationError.Compute(t, p), Tol);
        // one bin: |accuracy 0.5 − mean confidence 0.75|
        Assert.Equal(0.25, ExpectedCalibrationError.Compute(t, p, binCount: 1), Tol);
        // 5 bins (edges .2 .4 .6 .8 1): 0.8 on an edge falls in (0.6, 0.8] with 0.7; 0.6 in (0.4, 0.6]
        // = ¼·|1 − .9| + ½·|.5 − .75| + ¼·|0 − .6| = 0.025 + 0.125 + 0.15
        Assert.Equal(0.3, ExpectedCalibrationError.Compute(t, p, binCount: 5), Tol);
        // perfectly calibrated: ten samples at confidence 0.7, seven right
        var t10 = Enumerable.Range(0, 10).Select(i => i < 7 ? 0 : 1).ToArray();
        var p10 = Enumerable.Range(0, 10).Select(_ => new[] { 0.7, 0.3 }).ToArray();
        Assert.Equal(0.0, ExpectedCalibrationError.Compute(t10, p10), Tol);
        // over-confident: all at 0.9, half right -> 0.4
        var t4 = new[] { 0, 0, 1, 1 };
        var p4 = Enumerable.Range(0, 4).Select(_ => new[] { 0.9, 0.1 }).ToArray();
        Assert.Equal(0.4, ExpectedCalibrationError.Compute(t4, p4), Tol);
    }

    [Fact]
    public void ArgMaxTakesTheFirstMaximum()
    {
        Assert.Equal([0, 1, 2], PredictedClasses.FromProbabilities([[0.4, 0.4, 0.2], [0.2, 0.4, 0.4], [0.25, 0.25, 0.5]]));
    }

    [Fact]
    public void LatencyStatisticsWorkedByHand()
    {
        var s = LatencyStatistics.Compute([100.0, 5, 1, 4, 2, 3], warmup: 1);
        Assert.Equal((5, 1, 3.0, 3.0, 1.0, 5.0), (s.Count, s.WarmupExcluded, s.Mean, s.Median, s.Min, s.Max));
        Assert.Equal(4.8, s.P95, Tol);                                     // position 0.95·4 = 3.8 -> 4 + 0.8
        var even = LatencyStatistics.Compute([4.0, 1, 3, 2]);
        Assert.Equal(2.5, even.Median, Tol);
        Assert.Equal(3.85, even.P95, Tol);                                 // position 2.85 -> 3 + 0.85
        Assert.Equal(7.0, LatencyStatistics.Compute([7.0]).P95);
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], Tol);
    }
}
