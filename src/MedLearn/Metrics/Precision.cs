namespace MedLearn.Metrics;

/// <summary>
/// Precision (positive predictive value) per class, one-vs-rest: <c>P_k = TP_k / (TP_k + FP_k)</c>, the fraction of
/// samples predicted as k that truly are k (scikit-learn's <c>precision_score</c>, <c>zero_division=0</c>).
/// </summary>
/// <remarks>
/// Edge case: a class never predicted (TP_k + FP_k = 0) has precision 0 (scikit-learn's <c>zero_division=0</c> rule).
/// Averages: <see cref="Macro(long[][])"/> is the unweighted mean over the classes that occur among the targets or the
/// predictions (scikit-learn's <c>average="macro"</c> with its default label set, the union of observed labels; a
/// class absent from both is not averaged in); <see cref="Weighted(long[][])"/> weights each class by its support
/// (number of true samples), scikit-learn's <c>average="weighted"</c>.
/// </remarks>
public static class Precision
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
        for (var k = 0; k < c.ClassCount; k++) v[k] = ClassCounts.Divide(c.TruePositives[k], c.Predicted[k]);
        return v;
    }
}
