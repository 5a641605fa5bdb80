using MedLearn.Metrics;

namespace MedLearn.Tests.Metrics;

/// <summary>Bad inputs fail with an <see cref="ArgumentException"/> whose message names the problem.</summary>
public class MetricValidationTests
{
    private static void Throws(Action act, string fragment)
    {
        var e = Assert.ThrowsAny<ArgumentException>(act);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void LabelInputs()
    {
        Throws(() => ConfusionMatrix.Compute([0, 1], [0], 2), "different lengths (2 vs 1)");
        Throws(() => ConfusionMatrix.Compute([0, 3], [0, 1], 3), "targets[1] = 3 is outside the class range 0..2");
        Throws(() => ConfusionMatrix.Compute([0, 1], [0, -1], 3), "predictions[1] = -1");
        Throws(() => ConfusionMatrix.Compute([], [], 3), "at least one sample");
        Throws(() => Accuracy.Compute([0, -2], [0, 1]), "targets[1] = -2 is negative");
        Throws(() => F1Score.Macro([0], [0], 0), "class count");
        Throws(() => CohenKappa.Compute([[1L, 2], [3]]), "confusion[1] has 1 columns");
        Throws(() => Precision.PerClass([[1L, -2], [3, 4]]), "confusion[0][1] = -2 is negative");
    }

    [Fact]
    public void ProbabilityInputs()
    {
        double[][] good = [[0.2, 0.8], [0.6, 0.4]];
        Throws(() => LogLoss.Compute([0, 1, 1], good), "different lengths (3 vs 2)");
        Throws(() => LogLoss.Compute([0, 2], good), "targets[1] = 2 is outside the class range 0..1");
        Throws(() => RocAuc.PerClass([0, 1], [[0.2, 0.8], [0.1, 0.5, 0.4]]), "probabilities[1] has 3 columns, expected 2");
        Throws(() => ExpectedCalibrationError.Compute([0, 1], [[0.2, 0.8], [double.NaN, 0.4]]), "probabilities[1][0] is NaN");
        Throws(() => ClassificationEvaluation.Compute([0, 1], [[0.2, 0.8], [1.5, -0.5]], ["a", "b"]), "probabilities[1][0] = 1.5 is not a probability");
        Throws(() => RocAuc.Macro([0, 1], [[2.0, 3.0], [0.1, 0.9]]), "probabilities[0][0] = 2 is not a probability");
        Throws(() => LogLoss.Compute([0, 1], [[0.2, 0.3], [0.5, 0.5]]), "probabilities[0] sums to 0.5");
        Throws(() => PredictedClasses.FromProbabilities([[1.0]]), "at least 2 columns");
        Throws(() => ExpectedCalibrationError.Compute([0, 1], good, binCount: 0), "bin");
        Throws(() => LogLoss.Compute([0, 1], good, epsilon: 0), "epsilon");
        Throws(() => RocCurve.Compute([true, false], [0.5, double.NaN]), "scores[1] = NaN is not finite");
    }

    [Fact]
    public void CostMatrix()
    {
        Throws(() => WeightedError.Compute([0, 1], [1, 1], [[0, 1], [1]]), "cost[1] has 1 columns; the cost matrix must be square");
        Throws(() => WeightedError.Compute([0, 1], [1, 1], [[0, -1], [1, 0]]), "cost[0][1] = -1 must be finite and non-negative");
        Throws(() => WeightedError.Compute([0, 2], [1, 1], [[0, 1], [1, 0]]), "targets[1] = 2");
        Throws(() => WeightedError.Compute([[1L, 0], [0, 1]], [[0, 1, 1], [1, 0, 1], [1, 1, 0]]), "3 rows, expected 2");
        Throws(() => ClassificationEvaluation.Compute([0, 1], [[0.2, 0.8], [0.6, 0.4]], ["a", "b"],
            new ClassificationEvaluationOptions { CostMatrix = [[0, double.NaN], [1, 0]] }), "cost[0][1] = NaN");
    }

    [Fact]
    public void EvaluationArguments()
    {
        double[][] p = [[0.2, 0.8], [0.6, 0.4]];
        Throws(() => ClassificationEvaluation.Compute([0, 1], p, ["a"]), "1 class names for 2 probability columns");
        Throws(() => ClassificationEvaluation.Compute([0, 1], p, ["a", "a"]), "'a' appears twice");
        Throws(() => ClassificationEvaluation.Compute([0, 1], p, ["a", ""]), "classNames[1] is null or empty");
        Throws(() => ClassificationEvaluation.Compute([0, 1], p, ["a", "b"], new ClassificationEvaluationOptions { BootstrapSamples = -1 }), "BootstrapSamples");
        Throws(() => BootstrapConfidenceInterval.Compute(0, _ => 0), "at least one sample");
        Throws(() => BootstrapConfidenceInterval.Compute(3, _ => 0, resamples: 0), "resample");
        Throws(() => BootstrapConfidenceInterval.Compute(3, _ => 0, confidenceLevel: 1), "confidence level");
        Throws(() => LatencyStatistics.Compute([1.0, 2.0], warmup: 2), "no measurement left");
        Throws(() => LatencyStatistics.Compute([1.0, double.NaN]), "milliseconds[1] = NaN");
    }
}
