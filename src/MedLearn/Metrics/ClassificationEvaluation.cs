namespace MedLearn.Metrics;

/// <summary>
/// Computes the full set of classification metrics of a model's class probabilities against the true classes.
/// Predictions are the arg-max of each probability row (first maximum on ties, as numpy).
/// </summary>
/// <remarks>
/// Each metric follows the formula and edge-case rule documented on its own class: <see cref="Metrics.Accuracy"/>,
/// <see cref="Metrics.BalancedAccuracy"/>, <see cref="Precision"/>, <see cref="Recall"/>, <see cref="Specificity"/>,
/// <see cref="F1Score"/>, <see cref="RocCurve"/>, <see cref="RocAuc"/>, <see cref="CohenKappa"/>,
/// <see cref="Metrics.LogLoss"/>, <see cref="ExpectedCalibrationError"/>, <see cref="Metrics.WeightedError"/> and
/// <see cref="BootstrapConfidenceInterval"/>. Undefined values (an AUC or kappa that is 0/0) are reported as null.
/// </remarks>
public static class ClassificationEvaluation
{
    /// <summary>Evaluates <paramref name="probabilities"/> (N × C) against <paramref name="targets"/> (N labels 0..C−1).</summary>
    /// <param name="targets">True class per sample.</param>
    /// <param name="probabilities">Class probabilities per sample; rows must sum to 1 (within 1e-3), no NaN.</param>
    /// <param name="classNames">C distinct, non-empty class names (index = class).</param>
    /// <param name="options">Bootstrap, calibration, log-loss and cost settings; null for the defaults.</param>
    public static ClassificationMetrics Compute(IReadOnlyList<int> targets, double[][] probabilities,
        IReadOnlyList<string> classNames, ClassificationEvaluationOptions? options = null)
    {
        options ??= new ClassificationEvaluationOptions();
        var c = MetricGuard.TargetsAndProbabilities(targets, probabilities);
        ValidateNames(classNames, c);
        if (options.BootstrapSamples < 0)
            throw new ArgumentException($"BootstrapSamples = {options.BootstrapSamples} cannot be negative", nameof(options));
        if (options.CalibrationBins < 1)
            throw new ArgumentException($"CalibrationBins = {options.CalibrationBins} must be at least 1", nameof(options));
        if (options.CostMatrix is not null) Metrics.WeightedError.ValidateCost(options.CostMatrix, c);

        var predictions = Predict(probabilities);
        var confusion = ConfusionMatrix.Compute(targets, predictions, c);
        var counts = new ClassCounts(confusion);
        var precision = Precision.PerClass(counts);
        var recall = Recall.PerClass(counts);
        var specificity = Specificity.PerClass(counts);
        var f1 = F1Score.PerClass(counts);
        var curves = RocCurve.OneVsRest(targets, probabilities);
        var auc = curves.Select(r => r.Area()).ToArray();

        var perClass = new ClassMetrics[c];
        for (var k = 0; k < c; k++)
            perClass[k] = new ClassMetrics(k, classNames[k], counts.Support[k], counts.Predicted[k],
                precision[k], recall[k], specificity[k], f1[k], Defined(auc[k]));
        var rocCurves = new List<ClassRocCurve>();
        for (var k = 0; k < c; k++)
            if (curves[k].IsDefined)
                rocCurves.Add(new ClassRocCurve(k, classNames[k], auc[k], curves[k].Fpr, curves[k].Tpr, curves[k].Thresholds));

        HeadlineIntervals? intervals = null;
        if (options.BootstrapSamples > 0)
        {
            var cache = new ResampleCache(targets, predictions, probabilities, c);
            var ci = BootstrapConfidenceInterval.ComputeMany(targets.Count,
                [
                    idx => cache.Get(idx).Accuracy,
                    idx => cache.Get(idx).BalancedAccuracy,
                    idx => cache.Get(idx).MacroF1,
                    idx => cache.Get(idx).MacroAuc,
                    idx => cache.Get(idx).KappaQuadratic,
                ],
                options.BootstrapSamples, options.BootstrapSeed, options.ConfidenceLevel);
            intervals = new HeadlineIntervals(ci[0], ci[1], ci[2], ci[3], ci[4]);
        }

        return new ClassificationMetrics
        {
            SampleCount = targets.Count,
            ClassNames = [.. classNames],
            Accuracy = Metrics.Accuracy.Compute(confusion),
            BalancedAccuracy = Metrics.BalancedAccuracy.Compute(confusion),
            MacroPrecision = counts.Macro(precision),
            MacroRecall = counts.Macro(recall),
            MacroSpecificity = counts.Macro(specificity),
            MacroF1 = counts.Macro(f1),
            WeightedPrecision = counts.Weighted(precision),
            WeightedRecall = counts.Weighted(recall),
            WeightedF1 = counts.Weighted(f1),
            MacroAuc = Defined(RocAuc.MacroOf(auc)),
            KappaUnweighted = Defined(CohenKappa.Compute(confusion, KappaWeighting.None)),
            KappaLinear = Defined(CohenKappa.Compute(confusion, KappaWeighting.Linear)),
            KappaQuadratic = Defined(CohenKappa.Compute(confusion, KappaWeighting.Quadratic)),
            LogLoss = Metrics.LogLoss.Compute(targets, probabilities, options.LogLossEpsilon),
            Ece = ExpectedCalibrationError.Compute(targets, probabilities, options.CalibrationBins),
            CalibrationBins = options.CalibrationBins,
            WeightedError = options.CostMatrix is null ? null : Metrics.WeightedError.Compute(confusion, options.CostMatrix),
            ConfusionMatrix = confusion,
            PerClass = perClass,
            RocCurves = rocCurves,
            Bootstrap = intervals,
        };
    }

    private static double? Defined(double v) => double.IsFinite(v) ? v : null;

    private static int[] Predict(double[][] probabilities)
    {
        var p = new int[probabilities.Length];
        for (var i = 0; i < p.Length; i++) p[i] = PredictedClasses.ArgMax(probabilities[i]);
        return p;
    }

    private static void ValidateNames(IReadOnlyList<string> classNames, int classCount)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count != classCount)
            throw new ArgumentException($"{classNames.Count} class names for {classCount} probability columns", nameof(classNames));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < classCount; k++)
        {
            if (string.IsNullOrEmpty(classNames[k])) throw new ArgumentException($"classNames[{k}] is null or empty", nameof(classNames));
            if (!seen.Add(classNames[k])) throw new ArgumentException($"class name '{classNames[k]}' appears twice", nameof(classNames));
        }
    }

    /// <summary>The headline metrics of one resample, computed once for all five bootstrap delegates.</summary>
    private sealed class ResampleCache(IReadOnlyList<int> targets, int[] predictions, double[][] probabilities, int classCount)
    {
        private IReadOnlyList<int>? _last;
        private Headline _value;

        public Headline Get(IReadOnlyList<int> idx)
        {
            if (ReferenceEquals(idx, _last)) return _value;
            var t = new int[idx.Count];
            var p = new int[idx.Count];
            var rows = new double[idx.Count][];
            for (var i = 0; i < idx.Count; i++)
            {
                t[i] = targets[idx[i]];
                p[i] = predictions[idx[i]];
                rows[i] = probabilities[idx[i]];
            }
            var confusion = ConfusionMatrix.Compute(t, p, classCount);
            var counts = new ClassCounts(confusion);
            var auc = new double[classCount];
            for (var k = classCount == 2 ? 1 : 0; k < classCount; k++) // C = 2: only class 1 enters the macro AUC
                auc[k] = RocCurve.Compute(RocCurve.Positives(t, k), RocCurve.Column(rows, k)).Area();
            _value = new Headline(
                Metrics.Accuracy.Compute(confusion),
                Metrics.BalancedAccuracy.Compute(confusion),
                counts.Macro(F1Score.PerClass(counts)),
                RocAuc.MacroOf(auc),
                CohenKappa.Compute(confusion, KappaWeighting.Quadratic));
            _last = idx;
            return _value;
        }
    }

    private readonly record struct Headline(double Accuracy, double BalancedAccuracy, double MacroF1, double MacroAuc, double KappaQuadratic);
}
