namespace MedLearn.Metrics;

/// <summary>
/// One-vs-rest counts per class read off a confusion matrix (rows true, columns predicted):
/// TP_k = M[k][k], FP_k = column sum - TP_k, FN_k = row sum - TP_k, TN_k = N - TP_k - FP_k - FN_k.
/// </summary>
internal sealed class ClassCounts
{
    public ClassCounts(long[][] confusion)
    {
        var c = MetricGuard.Confusion(confusion);
        ClassCount = c;
        TruePositives = new long[c];
        Support = new long[c];
        Predicted = new long[c];
        for (var i = 0; i < c; i++)
            for (var j = 0; j < c; j++)
            {
                var v = confusion[i][j];
                Total += v;
                Support[i] += v;
                Predicted[j] += v;
                if (i == j) TruePositives[i] = v;
            }
    }

    public int ClassCount { get; }
    public long Total { get; }
    /// <summary>Samples whose true class is k (row sums).</summary>
    public long[] Support { get; }
    /// <summary>Samples predicted as k (column sums).</summary>
    public long[] Predicted { get; }
    public long[] TruePositives { get; }

    public long FalsePositives(int k) => Predicted[k] - TruePositives[k];
    public long FalseNegatives(int k) => Support[k] - TruePositives[k];
    public long TrueNegatives(int k) => Total - Support[k] - Predicted[k] + TruePositives[k];

    /// <summary>True when class k occurs among the targets or the predictions (the classes a macro average covers).</summary>
    public bool Occurs(int k) => Support[k] > 0 || Predicted[k] > 0;

    /// <summary>a / b, or 0 when b is 0 (scikit-learn's zero_division=0).</summary>
    public static double Divide(long a, long b) => b == 0 ? 0.0 : (double)a / b;

    /// <summary>
    /// Unweighted mean of <paramref name="perClass"/> over the classes that occur among the targets or predictions
    /// (scikit-learn's <c>average="macro"</c> with its default label set, the union of observed labels).
    /// </summary>
    public double Macro(double[] perClass)
    {
        double sum = 0;
        var n = 0;
        for (var k = 0; k < ClassCount; k++)
        {
            if (!Occurs(k)) continue;
            sum += perClass[k];
            n++;
        }
        return sum / n;
    }

    /// <summary>Mean of <paramref name="perClass"/> weighted by support (scikit-learn's <c>average="weighted"</c>).</summary>
    public double Weighted(double[] perClass)
    {
        double sum = 0;
        for (var k = 0; k < ClassCount; k++) sum += perClass[k] * Support[k];
        return sum / Total;
    }
}
