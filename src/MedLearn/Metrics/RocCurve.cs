using System.Text.Json.Serialization;

namespace MedLearn.Metrics;

/// <summary>
/// Receiver operating characteristic curve of a binary scoring, exactly as scikit-learn 1.2's
/// <c>roc_curve(y_true, y_score, drop_intermediate=True)</c>: point i is (FPR_i, TPR_i) for the rule
/// "positive when score ≥ Thresholds[i]".
/// </summary>
/// <remarks>
/// <para>Construction: scores are sorted in decreasing order; one point per distinct score value t, with
/// TP(t) = #positives with score ≥ t and FP(t) = #negatives with score ≥ t, so tied scores move the curve in one
/// diagonal step (ties are never split). Collinear intermediate points are then dropped (sklearn's default
/// <c>drop_intermediate=True</c>: a point is kept when the second difference of FP or TP at it is non-zero; the first
/// and last points are always kept), and the point (0, 0) is prepended with threshold <c>max score + 1</c>
/// (scikit-learn 1.2's convention; 1.3+ uses +∞, which JSON cannot carry). Finally FPR = FP / #negatives,
/// TPR = TP / #positives. Thresholds are therefore strictly decreasing and the last point is (1, 1).</para>
/// <para>Edge cases (as scikit-learn, which warns): with no negative sample every FPR is NaN; with no positive
/// sample every TPR is NaN; <see cref="IsDefined"/> is false and the AUC is undefined. Scores may be any finite
/// reals (NaN or infinity throws <see cref="ArgumentException"/>).</para>
/// </remarks>
/// <param name="Fpr">False-positive rates, non-decreasing from 0 to 1.</param>
/// <param name="Tpr">True-positive rates, non-decreasing from 0 to 1.</param>
/// <param name="Thresholds">Decision thresholds, strictly decreasing; <c>Thresholds[0] = max score + 1</c>.</param>
public sealed record RocCurve(double[] Fpr, double[] Tpr, double[] Thresholds)
{
    /// <summary>True when the targets hold both positives and negatives (rates are numbers, not NaN).</summary>
    [JsonIgnore]
    public bool IsDefined => Fpr.Length > 0 && !double.IsNaN(Fpr[^1]) && !double.IsNaN(Tpr[^1]);

    /// <summary>ROC curve of <paramref name="scores"/> (higher = more positive) against the binary truth <paramref name="positives"/>.</summary>
    public static RocCurve Compute(IReadOnlyList<bool> positives, IReadOnlyList<double> scores)
    {
        MetricGuard.Scores(positives, scores);
        var n = scores.Count;
        var keys = new double[n];
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            keys[i] = -scores[i];
            order[i] = i;
        }
        Array.Sort(keys, order); // ascending -score = descending score; the order inside ties does not matter

        // One point per distinct score (the last index of each tie group).
        var tps = new List<long>();
        var fps = new List<long>();
        var thr = new List<double>();
        long tp = 0;
        for (var i = 0; i < n; i++)
        {
            if (positives[order[i]]) tp++;
            if (i == n - 1 || keys[i] != keys[i + 1])
            {
                tps.Add(tp);
                fps.Add(i + 1 - tp);
                thr.Add(scores[order[i]]);
            }
        }

        // drop_intermediate=True: keep the corners of the step curve.
        var keep = new List<int>();
        if (tps.Count > 2)
        {
            keep.Add(0);
            for (var j = 1; j < tps.Count - 1; j++)
                if (fps[j + 1] - 2 * fps[j] + fps[j - 1] != 0 || tps[j + 1] - 2 * tps[j] + tps[j - 1] != 0) keep.Add(j);
            keep.Add(tps.Count - 1);
        }
        else
        {
            for (var j = 0; j < tps.Count; j++) keep.Add(j);
        }

        var m = keep.Count + 1;
        var fpr = new double[m];
        var tpr = new double[m];
        var thresholds = new double[m];
        thresholds[0] = thr[0] + 1;
        var (negTotal, posTotal) = (fps[^1], tps[^1]);
        for (var j = 0; j < keep.Count; j++)
        {
            var src = keep[j];
            thresholds[j + 1] = thr[src];
            fpr[j + 1] = negTotal <= 0 ? double.NaN : (double)fps[src] / negTotal;
            tpr[j + 1] = posTotal <= 0 ? double.NaN : (double)tps[src] / posTotal;
        }
        if (negTotal <= 0) fpr[0] = double.NaN;
        if (posTotal <= 0) tpr[0] = double.NaN;
        return new RocCurve(fpr, tpr, thresholds);
    }

    /// <summary>
    /// One-vs-rest curves, one per class k: positives are the samples with target k, scores the probability column k.
    /// Classes absent from the targets (or covering every sample) give undefined curves (see <see cref="IsDefined"/>).
    /// </summary>
    public static RocCurve[] OneVsRest(IReadOnlyList<int> targets, double[][] probabilities)
    {
        var c = MetricGuard.TargetsAndProbabilities(targets, probabilities);
        var curves = new RocCurve[c];
        for (var k = 0; k < c; k++) curves[k] = Compute(Positives(targets, k), Column(probabilities, k));
        return curves;
    }

    /// <summary>
    /// Area under the curve by the trapezoidal rule, <c>Σ_i (FPR_{i+1} − FPR_i)(TPR_{i+1} + TPR_i)/2</c>
    /// (scikit-learn's <c>auc</c>); NaN when the curve is undefined. Because tie groups form one diagonal step,
    /// a (positive, negative) pair with equal scores counts 1/2, i.e. AUC = P(s⁺ &gt; s⁻) + ½ P(s⁺ = s⁻).
    /// </summary>
    public double Area()
    {
        if (!IsDefined) return double.NaN;
        double area = 0;
        for (var i = 0; i + 1 < Fpr.Length; i++) area += (Fpr[i + 1] - Fpr[i]) * (Tpr[i + 1] + Tpr[i]) / 2.0;
        return area;
    }

    internal static bool[] Positives(IReadOnlyList<int> targets, int k)
    {
        var p = new bool[targets.Count];
        for (var i = 0; i < p.Length; i++) p[i] = targets[i] == k;
        return p;
    }

    internal static double[] Column(double[][] probabilities, int k)
    {
        var s = new double[probabilities.Length];
        for (var i = 0; i < s.Length; i++) s[i] = probabilities[i][k];
        return s;
    }
}
