namespace MedLearn.Metrics;

/// <summary>
/// Area under the ROC curve: per class one-vs-rest (positives = target k, score = probability of k), by the trapezoidal
/// rule over <see cref="RocCurve"/> (scikit-learn 1.2's <c>roc_auc_score</c>). Ties between a positive and a negative
/// score count 1/2: AUC = P(s⁺ &gt; s⁻) + ½ P(s⁺ = s⁻), the Mann-Whitney statistic.
/// </summary>
/// <remarks>
/// <para>Edge cases: the AUC of a class is undefined, reported as NaN, when the targets hold no sample of that class or
/// only samples of that class (scikit-learn raises "Only one class present in y_true"). <see cref="Macro"/> is the
/// unweighted mean over the classes whose AUC is defined (the undefined ones are excluded), NaN when none is.</para>
/// <para>Binary case (C = 2): <see cref="Macro"/> is the AUC of class 1 as the positive class with score
/// p[·][1], which is what <c>roc_auc_score(y, p[:, 1])</c> reports (class 0's one-vs-rest AUC is the same number up
/// to rounding of 1 − p).</para>
/// </remarks>
public static class RocAuc
{
    /// <summary>AUC of <paramref name="scores"/> against the binary truth <paramref name="positives"/>; NaN when only one kind is present.</summary>
    public static double Binary(IReadOnlyList<bool> positives, IReadOnlyList<double> scores) =>
        RocCurve.Compute(positives, scores).Area();

    /// <summary>One-vs-rest AUC per class (index = class); NaN for a class absent from the targets or covering all of them.</summary>
    public static double[] PerClass(IReadOnlyList<int> targets, double[][] probabilities) =>
        [.. RocCurve.OneVsRest(targets, probabilities).Select(c => c.Area())];

    /// <summary>Macro AUC: class 1's AUC for C = 2, else the mean of the defined per-class AUCs (NaN when none is defined).</summary>
    public static double Macro(IReadOnlyList<int> targets, double[][] probabilities) =>
        MacroOf(PerClass(targets, probabilities));

    /// <summary>The macro rule applied to per-class AUCs: class 1 for two classes, else the mean of the non-NaN values.</summary>
    public static double MacroOf(IReadOnlyList<double> perClassAuc)
    {
        ArgumentNullException.ThrowIfNull(perClassAuc);
        if (perClassAuc.Count == 2) return perClassAuc[1];
        double sum = 0;
        var n = 0;
        foreach (var a in perClassAuc)
        {
            if (double.IsNaN(a)) continue;
            sum += a;
            n++;
        }
        return n == 0 ? double.NaN : sum / n;
    }
}
