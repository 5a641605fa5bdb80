namespace MedLearn.Metrics;

/// <summary>
/// F1 score per class, one-vs-rest: the harmonic mean of precision and recall, <c>F1_k = 2 P_k R_k / (P_k + R_k)</c>
/// (scikit-learn 1.2's <c>f1_score</c>, <c>zero_division=0</c>). The macro F1 is the mean of the per-class F1 values,
/// not the F1 of the macro precision and recall.
/// </summary>
/// <remarks>
/// Edge case: when P_k + R_k = 0 (including a class neither present nor predicted, or undefined precision/recall
/// taken as 0 by the zero_division=0 rule) the F1 is 0.
/// Averages: <see cref="Macro(long[][])"/> is the unweighted mean over the classes that occur among the targets or the
/// predictions (scikit-learn's <c>average="macro"</c> with its default label set, the union of observed labels; a
/// class absent from both is not averaged in); <see cref="Weighted(long[][])"/> weights each class by its support
/// (number of true samples), scikit-learn's <c>average="weighted"</c>.
/// </remarks>
public static class F1Score
{
    /// <summary>Per-class values (index = class) from a confusion matrix (rows true, columns predicted).</summary>
    public static double[] PerClass(long[][] confusion) => PerClass(new ClassCounts(confusion));

    /// <summary>Per-class values (index = class) of <paramref name="predictions"/> against <paramref name="targets"/> (labels 0..C-1).</summary>
    public static double[] PerClass(IReadOnlyList<int> targets, IReadOnlyList<int> predictions, int classCount) =>
        PerClass(ConfusionMatrix.Compute(targets, predictions, classCount));

    /// <summary>Macro average (classes occurring in targets or predictions) from a confusion matrix.</summary>
    public static double Macro(long[][] confusion)
    {
        var counts = new ClassCounts(confusion);
        return counts.Macro(PerClass(counts));
    }

    /// <summary>Macro average (classes occurring in targets or predictions).</summary>
    public static double Macro(IReadOnlyList<int> targets, IReadOnlyList<int> predictions, int classCount) =>
        Macro(ConfusionMatrix.Compute(targets, predictions, classCount));

    /// <summary>Support-weighted average from a confusion matrix.</summary>
    public static double Weighted(long[][] confusion)
    {
        var counts = new ClassCounts(confusion);
        return counts.Weighted(PerClass(counts));
    }

    /// <summary>Support-weighted average.</summary>
    public static double Weighted(IReadOnlyList<int> targets, IReadOnlyList<int> predictions, int classCount) =>
        Weighted(ConfusionMatrix.Compute(targets, predictions, classCount));

    internal static double[] PerClass(ClassCounts c)
    {
        var v = new double[c.ClassCount];
        var p = Precision.PerClass(c);
        var r = Recall.PerClass(c);
        for (var k = 0; k < c.ClassCount; k++)
        {
            var denom = p[k] + r[k];
            v[k] = denom == 0 ? 0.0 : 2.0 * p[k] * r[k] / denom;
        }
        return v;
    }
}
