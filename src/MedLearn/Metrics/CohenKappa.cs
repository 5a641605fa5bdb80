namespace MedLearn.Metrics;

/// <summary>
/// Cohen's kappa, agreement between targets and predictions corrected for chance, as scikit-learn's
/// <c>cohen_kappa_score(targets, predictions, labels=range(C), weights=...)</c>:
/// <c>κ = 1 − Σ_ij w_ij O_ij / Σ_ij w_ij E_ij</c>, where O is the confusion matrix and
/// <c>E_ij = (row_i · col_j) / N</c> the counts expected from the marginals under independence; w per
/// <see cref="KappaWeighting"/> (unweighted: 1 − identity; linear: |i − j|; quadratic: (i − j)²).
/// </summary>
/// <remarks>
/// <para>The class index is the ordinal position for the weighted variants (labels = 0..C−1, so a class absent from
/// both lists still counts in the distance |i − j|; scikit-learn's default label set would close that gap).</para>
/// <para>Edge case: when the expected weighted disagreement Σ w E is 0, kappa is 0/0 and reported as NaN (scikit-learn
/// returns nan with a warning). This happens when targets and predictions each contain a single class and it is the
/// same one, so "identical labels give κ = 1" needs at least two distinct classes. κ = 1 for perfect agreement,
/// 0 for chance-level agreement, negative below chance.</para>
/// </remarks>
public static class CohenKappa
{
    /// <summary>Kappa of <paramref name="predictions"/> against <paramref name="targets"/> (labels 0..C−1).</summary>
    public static double Compute(IReadOnlyList<int> targets, IReadOnlyList<int> predictions, int classCount,
        KappaWeighting weighting = KappaWeighting.None) =>
        Compute(ConfusionMatrix.Compute(targets, predictions, classCount), weighting);

    /// <summary>Kappa from a confusion matrix (rows true, columns predicted).</summary>
    public static double Compute(long[][] confusion, KappaWeighting weighting = KappaWeighting.None)
    {
        var counts = new ClassCounts(confusion);
        var c = counts.ClassCount;
        double observed = 0, expected = 0;
        for (var i = 0; i < c; i++)
            for (var j = 0; j < c; j++)
            {
                double w = weighting switch
                {
                    KappaWeighting.None => i == j ? 0 : 1,
                    KappaWeighting.Linear => Math.Abs(i - j),
                    KappaWeighting.Quadratic => (i - j) * (i - j),
                    _ => throw new ArgumentOutOfRangeException(nameof(weighting), weighting, "unknown kappa weighting"),
                };
                observed += w * confusion[i][j];
                expected += w * ((double)counts.Support[i] * counts.Predicted[j] / counts.Total);
            }
        return 1 - observed / expected;
    }
}
