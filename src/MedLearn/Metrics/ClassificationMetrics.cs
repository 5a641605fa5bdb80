namespace MedLearn.Metrics;

/// <summary>
/// Everything <see cref="ClassificationEvaluation.Compute"/> reports for one evaluation. Serialisable with
/// System.Text.Json (use <c>JsonSerializerDefaults.Web</c> for camelCase names): undefined values are null, never
/// NaN, and the ROC list holds only the classes whose curve is defined.
/// </summary>
public sealed record ClassificationMetrics
{
    /// <summary>N, the number of samples.</summary>
    public required int SampleCount { get; init; }

    /// <summary>Class names, index = class.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>Fraction of correct arg-max predictions.</summary>
    public required double Accuracy { get; init; }

    /// <summary>Mean recall over the classes present in the targets.</summary>
    public required double BalancedAccuracy { get; init; }

    /// <summary>Macro precision (classes occurring in targets or predictions).</summary>
    public required double MacroPrecision { get; init; }

    /// <summary>Macro recall (classes occurring in targets or predictions).</summary>
    public required double MacroRecall { get; init; }

    /// <summary>Macro specificity (classes occurring in targets or predictions).</summary>
    public required double MacroSpecificity { get; init; }

    /// <summary>Macro F1, the mean of the per-class F1 (classes occurring in targets or predictions).</summary>
    public required double MacroF1 { get; init; }

    /// <summary>Support-weighted precision.</summary>
    public required double WeightedPrecision { get; init; }

    /// <summary>Support-weighted recall (equals the accuracy).</summary>
    public required double WeightedRecall { get; init; }

    /// <summary>Support-weighted F1.</summary>
    public required double WeightedF1 { get; init; }

    /// <summary>Macro one-vs-rest AUC (class 1's AUC when C = 2); null when no class has a defined AUC.</summary>
    public required double? MacroAuc { get; init; }

    /// <summary>Unweighted Cohen's kappa; null when undefined (0/0).</summary>
    public required double? KappaUnweighted { get; init; }

    /// <summary>Linearly weighted Cohen's kappa; null when undefined.</summary>
    public required double? KappaLinear { get; init; }

    /// <summary>Quadratically weighted Cohen's kappa; null when undefined.</summary>
    public required double? KappaQuadratic { get; init; }

    /// <summary>Mean negative log-probability of the true class (clipped at ε).</summary>
    public required double LogLoss { get; init; }

    /// <summary>Expected calibration error of the top-class confidence.</summary>
    public required double Ece { get; init; }

    /// <summary>Number of bins used for <see cref="Ece"/>.</summary>
    public required int CalibrationBins { get; init; }

    /// <summary>Mean cost per sample under the options' cost matrix; null when none was given.</summary>
    public required double? WeightedError { get; init; }

    /// <summary>Confusion matrix, rows true, columns predicted.</summary>
    public required long[][] ConfusionMatrix { get; init; }

    /// <summary>Per-class metrics, index = class.</summary>
    public required IReadOnlyList<ClassMetrics> PerClass { get; init; }

    /// <summary>One-vs-rest ROC curves of the classes whose curve is defined (present in the targets but not all of them).</summary>
    public required IReadOnlyList<ClassRocCurve> RocCurves { get; init; }

    /// <summary>Bootstrap intervals of the headline metrics; null unless the options request resamples.</summary>
    public HeadlineIntervals? Bootstrap { get; init; }
}
