namespace MedLearn.Metrics;

/// <summary>
/// Multiclass log loss (cross-entropy of the predicted probabilities), as scikit-learn 1.2's
/// <c>log_loss(targets, probabilities, eps=1e-15, labels=range(C))</c>:
/// <c>L = −(1/N) Σ_i log q_i[t_i]</c> with <c>q_i[j] = clip(p_i[j]) / Σ_j' clip(p_i[j'])</c> and
/// <c>clip(x) = min(max(x, ε), 1 − ε)</c>.
/// </summary>
/// <remarks>
/// Edge cases: ε (default 1e-15, scikit-learn's value before 1.2 and its explicit <c>eps=1e-15</c>; 1.2's "auto"
/// would be 2.2e-16) keeps a zero probability for the true class finite (−log 1e-15 ≈ 34.5 per sample); after
/// clipping each row is renormalised as scikit-learn does. A class absent from the targets is fine (the label set is
/// 0..C−1). Probabilities must be finite values in [0, 1] with rows summing to 1 (within 1e-3); NaN, a wrong row
/// length or a label outside the columns throws <see cref="ArgumentException"/>.
/// </remarks>
public static class LogLoss
{
    /// <summary>scikit-learn's historical clipping constant.</summary>
    public const double DefaultEpsilon = 1e-15;

    /// <summary>Mean negative log-probability of the true class.</summary>
    /// <param name="targets">True class per sample, 0..C−1.</param>
    /// <param name="probabilities">N rows of C class probabilities.</param>
    /// <param name="epsilon">Clipping constant ε, in (0, 0.5).</param>
    public static double Compute(IReadOnlyList<int> targets, double[][] probabilities, double epsilon = DefaultEpsilon)
    {
        MetricGuard.TargetsAndProbabilities(targets, probabilities);
        if (!(epsilon > 0 && epsilon < 0.5)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must lie in (0, 0.5)");
        double total = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var row = probabilities[i];
            double sum = 0;
            foreach (var p in row) sum += Clip(p, epsilon);
            total += -Math.Log(Clip(row[targets[i]], epsilon) / sum);
        }
        return total / probabilities.Length;
    }

    private static double Clip(double p, double eps) => Math.Min(Math.Max(p, eps), 1 - eps);
}
