namespace MedLearn.Metrics;

/// <summary>
/// Mean misclassification cost per sample under a user-given cost (penalty) matrix:
/// <c>WE = (1/N) Σ_i cost[t_i][pred_i]</c> = <c>Σ_ij cost[i][j] · M[i][j] / N</c> with M the confusion matrix
/// (rows true, columns predicted).
/// </summary>
/// <remarks>
/// The cost matrix must be C × C (C = the class count), with finite non-negative entries; the diagonal is usually 0
/// (then WE = 0 for a perfect classifier) and, with 1 off the diagonal, WE = 1 − accuracy. Anything else throws
/// <see cref="ArgumentException"/>.
/// </remarks>
public static class WeightedError
{
    /// <summary>Mean cost of <paramref name="predictions"/> against <paramref name="targets"/>; <c>cost[true][predicted]</c>.</summary>
    public static double Compute(IReadOnlyList<int> targets, IReadOnlyList<int> predictions, double[][] cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        ValidateCost(cost, cost.Length);
        return Compute(ConfusionMatrix.Compute(targets, predictions, cost.Length), cost);
    }

    /// <summary>Mean cost from a confusion matrix (rows true, columns predicted) and a cost matrix of the same size.</summary>
    public static double Compute(long[][] confusion, double[][] cost)
    {
        var c = MetricGuard.Confusion(confusion);
        ValidateCost(cost, c);
        double total = 0;
        long n = 0;
        for (var i = 0; i < c; i++)
            for (var j = 0; j < c; j++)
            {
                total += cost[i][j] * confusion[i][j];
                n += confusion[i][j];
            }
        return total / n;
    }

    /// <summary>Checks that <paramref name="cost"/> is a <paramref name="classCount"/> × <paramref name="classCount"/> matrix of finite non-negative values.</summary>
    public static void ValidateCost(double[][] cost, int classCount)
    {
        ArgumentNullException.ThrowIfNull(cost);
        if (cost.Length == 0) throw new ArgumentException("the cost matrix is empty", nameof(cost));
        if (cost.Length != classCount)
            throw new ArgumentException($"the cost matrix has {cost.Length} rows, expected {classCount} (one per class)", nameof(cost));
        for (var i = 0; i < classCount; i++)
        {
            var row = cost[i] ?? throw new ArgumentException($"cost[{i}] is null", nameof(cost));
            if (row.Length != classCount)
                throw new ArgumentException($"cost[{i}] has {row.Length} columns; the cost matrix must be square, {classCount}x{classCount}", nameof(cost));
            for (var j = 0; j < classCount; j++)
                if (!(double.IsFinite(row[j]) && row[j] >= 0))
                    throw new ArgumentException($"cost[{i}][{j}] = {row[j]} must be finite and non-negative", nameof(cost));
        }
    }
}
