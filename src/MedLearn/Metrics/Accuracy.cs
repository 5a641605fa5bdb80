namespace MedLearn.Metrics;

/// <summary>
/// Accuracy: the fraction of samples whose predicted class equals the true class,
/// <c>acc = (1/N) Σ_i [pred_i = target_i]</c> = trace(M) / N (scikit-learn's <c>accuracy_score</c>).
/// </summary>
/// <remarks>Always defined for N ≥ 1; an empty input, a length mismatch or a negative label throws <see cref="ArgumentException"/>.</remarks>
public static class Accuracy
{
    /// <summary>Accuracy of <paramref name="predictions"/> against <paramref name="targets"/>.</summary>
    public static double Compute(IReadOnlyList<int> targets, IReadOnlyList<int> predictions)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(predictions);
        MetricGuard.SameLength(targets.Count, predictions.Count, nameof(targets), nameof(predictions));
        MetricGuard.NotEmpty(targets.Count, nameof(targets));
        MetricGuard.NonNegativeLabels(targets, nameof(targets));
        MetricGuard.NonNegativeLabels(predictions, nameof(predictions));
        long correct = 0;
        for (var i = 0; i < targets.Count; i++)
            if (targets[i] == predictions[i]) correct++;
        return (double)correct / targets.Count;
    }

    /// <summary>Accuracy from a confusion matrix: trace / total.</summary>
    public static double Compute(long[][] confusion)
    {
        var counts = new ClassCounts(confusion);
        return (double)counts.TruePositives.Sum() / counts.Total;
    }
}
