namespace MedLearn.Metrics;

/// <summary>
/// Confusion matrix of a C-class classification: <c>M[t][p]</c> = number of samples whose true class is t and
/// predicted class is p (rows true, columns predicted, as scikit-learn's <c>confusion_matrix</c> with
/// <c>labels=range(C)</c>).
/// </summary>
/// <remarks>
/// Edge cases: every class 0..C-1 has a row and a column even when it occurs in neither list (all zeros);
/// the total of all cells is N. Inputs are validated: equal non-zero lengths, labels in 0..C-1
/// (<see cref="ArgumentException"/> otherwise).
/// </remarks>
public static class ConfusionMatrix
{
    /// <summary>Counts (true, predicted) pairs into a C x C matrix.</summary>
    /// <param name="targets">True class per sample, 0..C-1.</param>
    /// <param name="predictions">Predicted class per sample, 0..C-1.</param>
    /// <param name="classCount">C, the number of classes.</param>
    public static long[][] Compute(IReadOnlyList<int> targets, IReadOnlyList<int> predictions, int classCount)
    {
        MetricGuard.TargetsAndPredictions(targets, predictions, classCount);
        var m = new long[classCount][];
        for (var i = 0; i < classCount; i++) m[i] = new long[classCount];
        for (var i = 0; i < targets.Count; i++) m[targets[i]][predictions[i]]++;
        return m;
    }

    /// <summary>Number of samples counted by <paramref name="confusion"/> (the sum of all cells).</summary>
    public static long Total(long[][] confusion)
    {
        MetricGuard.Confusion(confusion);
        long total = 0;
        foreach (var row in confusion) foreach (var v in row) total += v;
        return total;
    }
}
