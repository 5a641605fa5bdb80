using MedLearn.Metrics;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Metrics;

/// <summary>Every metric against scikit-learn 1.2 / numpy (tools/golden/gen_metrics.py) at 1e-12.</summary>
public class GoldenMetricsTests
{
    private const double Tol = MetricsGoldenCase.Tol;

    public static TheoryData<string> Cases() => [.. MetricsGoldenCase.Names];

    [Fact]
    public void GoldenFileComesFromScikitLearn12()
    {
        Assert.StartsWith("1.2", MetricsGoldenCase.G.RawValue("sklearn").GetString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PredictionsAndConfusionMatrixMatch(string name)
    {
        var c = new MetricsGoldenCase(name);
        Assert.Equal(c.Predictions, PredictedClasses.FromProbabilities(c.Probabilities));
        var m = ConfusionMatrix.Compute(c.Targets, c.Predictions, c.Classes);
        Assert.Equal(c.Confusion, m);
        Assert.Equal(c.Targets.Length, ConfusionMatrix.Total(m));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AccuracyAndBalancedAccuracyMatch(string name)
    {
        var c = new MetricsGoldenCase(name);
        Assert.Equal(c.Value("accuracy"), Accuracy.Compute(c.Targets, c.Predictions), Tol);
        Assert.Equal(c.Value("accuracy"), Accuracy.Compute(c.Confusion), Tol);
        Assert.Equal(c.Value("balanced_accuracy"), BalancedAccuracy.Compute(c.Targets, c.Predictions, c.Classes), Tol);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PrecisionRecallSpecificityF1Match(string name)
    {
        var c = new MetricsGoldenCase(name);
        var (t, p, k) = (c.Targets, c.Predictions, c.Classes);
        TensorAssert.Close(c.Tensor("precision"), Precision.PerClass(t, p, k), Tol, 0, "precision");
        TensorAssert.Close(c.Tensor("recall"), Recall.PerClass(t, p, k), Tol, 0, "recall");
        TensorAssert.Close(c.Tensor("specificity"), Specificity.PerClass(t, p, k), Tol, 0, "specificity");
        TensorAssert.Close(c.Tensor("f1"), F1Score.PerClass(t, p, k), Tol, 0, "f1");
        foreach (var avg in new[] { "macro", "weighted" })
        {
            var macro = avg == "macro";
            Assert.Equal(c.Value($"{avg}_precision"), macro ? Precision.Macro(t, p, k) : Precision.Weighted(t, p, k), Tol);
            Assert.Equal(c.Value($"{avg}_recall"), macro ? Recall.Macro(t, p, k) : Recall.Weighted(t, p, k), Tol);
            Assert.Equal(c.Value($"{avg}_specificity"), macro ? Specificity.Macro(t, p, k) : Specificity.Weighted(t, p, k), Tol);
            Assert.Equal(c.Value($"{avg}_f1"), macro ? F1Score.Macro(t, p, k) : F1Score.Weighted(t, p, k), Tol);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RocCurvesAndAucMatch(string name)
    {
        var c = new MetricsGoldenCase(name);
        var curves = RocCurve.OneVsRest(c.Targets, c.Probabilities);
        var expectedAuc = c.NullableList("auc");
        for (var k = 0; k < c.Classes; k++)
        {
            Assert.Equal(c.Has($"roc{k}_fpr"), curves[k].IsDefined);
            if (!curves[k].IsDefined)
            {
                Assert.True(double.IsNaN(expectedAuc[k]));
                continue;
            }
            TensorAssert.Close(c.Tensor($"roc{k}_fpr"), curves[k].Fpr, Tol, 0, $"roc{k} fpr");
            TensorAssert.Close(c.Tensor($"roc{k}_tpr"), curves[k].Tpr, Tol, 0, $"roc{k} tpr");
            TensorAssert.Close(c.Tensor($"roc{k}_thresholds"), curves[k].Thresholds, Tol, 0, $"roc{k} thresholds");
        }
        TensorAssert.Close(expectedAuc, RocAuc.PerClass(c.Targets, c.Probabilities), Tol, 0, "auc");
        var macro = RocAuc.Macro(c.Targets, c.Probabilities);
        var expectedMacro = c.Nullable("macro_auc");
        Assert.Equal(double.IsNaN(expectedMacro), double.IsNaN(macro));
        Assert.Equal(expectedMacro, macro, Tol);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void KappaLogLossAndWeightedErrorMatch(string name)
    {
        var c = new MetricsGoldenCase(name);
        Assert.Equal(c.Nullable("kappa_none"), CohenKappa.Compute(c.Targets, c.Predictions, c.Classes), Tol);
        Assert.Equal(c.Nullable("kappa_linear"), CohenKappa.Compute(c.Targets, c.Predictions, c.Classes, KappaWeighting.Linear), Tol);
        Assert.Equal(c.Nullable("kappa_quadratic"), CohenKappa.Compute(c.Targets, c.Predictions, c.Classes, KappaWeighting.Quadratic), Tol);
        Assert.Equal(c.Value("log_loss"), LogLoss.Compute(c.Targets, c.Probabilities), Tol);
        if (c.Cost is { } cost)
            Assert.Equal(c.Value("weighted_error"), WeightedError.Compute(c.Targets, c.Predictions, cost), Tol);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AggregateEvaluationMatches(string name)
    {
        var c = new MetricsGoldenCase(name);
        var names = Enumerable.Range(0, c.Classes).Select(k => $"c{k}").ToArray();
        var r = ClassificationEvaluation.Compute(c.Targets, c.Probabilities, names, new ClassificationEvaluationOptions { CostMatrix = c.Cost });
        Assert.Equal(c.Targets.Length, r.SampleCount);
        Assert.Equal(c.Confusion, r.ConfusionMatrix);
        Assert.Equal(c.Value("accuracy"), r.Accuracy, Tol);
        Assert.Equal(c.Value("balanced_accuracy"), r.BalancedAccuracy, Tol);
        Assert.Equal(c.Value("macro_precision"), r.MacroPrecision, Tol);
        Assert.Equal(c.Value("macro_recall"), r.MacroRecall, Tol);
        Assert.Equal(c.Value("macro_specificity"), r.MacroSpecificity, Tol);
        Assert.Equal(c.Value("macro_f1"), r.MacroF1, Tol);
        Assert.Equal(c.Value("weighted_precision"), r.WeightedPrecision, Tol);
        Assert.Equal(c.Value("weighted_recall"), r.WeightedRecall, Tol);
        Assert.Equal(c.Value("weighted_f1"), r.WeightedF1, Tol);
        AssertNullable(c.Nullable("macro_auc"), r.MacroAuc);
        AssertNullable(c.Nullable("kappa_none"), r.KappaUnweighted);
        AssertNullable(c.Nullable("kappa_linear"), r.KappaLinear);
        AssertNullable(c.Nullable("kappa_quadratic"), r.KappaQuadratic);
        Assert.Equal(c.Value("log_loss"), r.LogLoss, Tol);
        if (c.Cost is null) Assert.Null(r.WeightedError);
        else AssertNullable(c.Value("weighted_error"), r.WeightedError);

        var auc = c.NullableList("auc");
        for (var k = 0; k < c.Classes; k++)
        {
            var pc = r.PerClass[k];
            Assert.Equal((k, names[k]), (pc.Index, pc.Name));
            Assert.Equal(c.Confusion[k].Sum(), pc.Support);
            Assert.Equal(c.Tensor("precision")[k], pc.Precision, Tol);
            Assert.Equal(c.Tensor("recall")[k], pc.Recall, Tol);
            Assert.Equal(c.Tensor("specificity")[k], pc.Specificity, Tol);
            Assert.Equal(c.Tensor("f1")[k], pc.F1, Tol);
            AssertNullable(auc[k], pc.Auc);
        }
        var defined = Enumerable.Range(0, c.Classes).Where(k => c.Has($"roc{k}_fpr")).ToArray();
        Assert.Equal(defined, r.RocCurves.Select(x => x.Index));
        foreach (var roc in r.RocCurves)
        {
            TensorAssert.Close(c.Tensor($"roc{roc.Index}_fpr"), roc.Fpr, Tol, 0);
            TensorAssert.Close(c.Tensor($"roc{roc.Index}_tpr"), roc.Tpr, Tol, 0);
            TensorAssert.Close(c.Tensor($"roc{roc.Index}_thresholds"), roc.Thresholds, Tol, 0);
            Assert.Equal(auc[roc.Index], roc.Auc, Tol);
        }
        Assert.Null(r.Bootstrap);
    }

    [Fact]
    public void LatencyStatisticsMatchNumpy()
    {
        var g = MetricsGoldenCase.G;
        var ms = g.RawValue("latency_ms").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var s = LatencyStatistics.Compute(ms, (int)g.Value("latency_warmup"));
        Assert.Equal(ms.Length - 3, s.Count);
        Assert.Equal(3, s.WarmupExcluded);
        Assert.Equal(g.Value("latency_mean"), s.Mean, Tol);
        Assert.Equal(g.Value("latency_median"), s.Median, Tol);
        Assert.Equal(g.Value("latency_p95"), s.P95, Tol);
        Assert.Equal(g.Value("latency_min"), s.Min);
        Assert.Equal(g.Value("latency_max"), s.Max);
        var even = LatencyStatistics.Compute(ms.Skip(3).Take(16).ToArray());
        Assert.Equal(g.Value("latency_even_median"), even.Median, Tol);
        Assert.Equal(g.Value("latency_even_p95"), even.P95, Tol);
    }

    private static void AssertNullable(double expected, double? actual)
    {
        if (double.IsNaN(expected)) Assert.Null(actual);
        else
        {
            Assert.NotNull(actual);
            Assert.Equal(expected, actual.Value, Tol);
        }
    }
}

/// <summary>Bootstrap intervals of the headline metrics against a Python replica of the resampling stream with scikit-learn metrics.</summary>
public class GoldenBootstrapTests
{
    [Theory]
    [InlineData("boot_four")]
    [InlineData("boot_rare")]
    public void HeadlineIntervalsMatchScikitLearnOnTheSameResamples(string name)
    {
        var c = new MetricsGoldenCase(name);
        var names = Enumerable.Range(0, c.Classes).Select(k => $"class {k}").ToArray();
        var options = new ClassificationEvaluationOptions
        {
            BootstrapSamples = (int)c.Value("boot_resamples"),
            BootstrapSeed = (int)c.Value("boot_seed"),
        };
        var b = ClassificationEvaluation.Compute(c.Targets, c.Probabilities, names, options).Bootstrap!;
        BootstrapInterval[] got = [b.Accuracy, b.BalancedAccuracy, b.MacroF1, b.MacroAuc, b.KappaQuadratic];
        var estimate = c.NullableList("boot_estimate");
        var used = c.NullableList("boot_used");
        var lower = c.NullableList("boot_lower");
        var upper = c.NullableList("boot_upper");
        for (var m = 0; m < got.Length; m++)
        {
            Assert.Equal(options.BootstrapSamples, got[m].ResamplesRequested);
            Assert.Equal((int)used[m], got[m].ResamplesUsed);
            Assert.Equal(0.95, got[m].ConfidenceLevel);
            Assert.Equal(estimate[m], got[m].Estimate!.Value, MetricsGoldenCase.Tol);
            Assert.Equal(lower[m], got[m].Lower!.Value, MetricsGoldenCase.Tol);
            Assert.Equal(upper[m], got[m].Upper!.Value, MetricsGoldenCase.Tol);
        }
    }
}
