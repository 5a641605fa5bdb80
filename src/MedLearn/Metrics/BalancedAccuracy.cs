namespace MedLearn.Metrics;

/// <summary>
/// Balanced accuracy (scikit-learn's <c>balanced_accuracy_score</c>, <c>adjusted=False</c>): the mean per-class
/// recall over the classes present in the targets, <c>BA = (1/|K|) Σ_{k∈K} TP_k / (TP_k + FN_k)</c> with
/// K = {k : support_k &gt; 0}.
/// </summary>
/// <remarks>
/// Edge cases: a class absent from the targets has no defined recall and is left out of the mean (scikit-learn
/// drops it the same way, with a warning); with N ≥ 1 at least one class is present, so the value is always
/// defined. For a single present class it is that class's recall.
/// </remarks>
public static class BalancedAccuracy
{
    /// <summary>Balanced accuracy of <paramref name="predictions"/> against <paramref name="targets"/> (labels 0..C-1).</summary>
    public static double Compute(IReadOnlyList<int> targets, IReadOnlyList<int> predictions, int classCount) =>
        Compute(ConfusionMatrix.Compute(targets, predictions, classCount));

    /// <summary>Balanced accuracy from a confusion matrix (rows true, columns predicted).</summary>
    public static double Compute(long[][] confusion)
    {
        var counts = new ClassCounts(confusion);
        double sum = 0;
        var present = 0;
        for (var k = 0; k < counts.ClassCount; k++)
        {
            if (counts.Support[k] == 0) continue;
            sum += (double)counts.TruePositives[k] / counts.Support[k];
            present++;
        }
        return sum / present;
    }
}
