namespace MedLearn.Metrics;

/// <summary>
/// Expected calibration error (Guo et al. 2017) of the top-class confidence:
/// <c>ECE = Σ_b (|B_b| / N) · |acc(B_b) − conf(B_b)|</c>, where sample i has confidence <c>c_i = max_j p_i[j]</c>
/// and prediction <c>argmax_j p_i[j]</c> (first maximum on ties), the M bins are equal-width intervals
/// <c>B_b = (b/M, (b+1)/M]</c> of confidence (b = 0..M−1; a confidence of exactly 0 goes to the first bin),
/// acc(B) is the fraction of correct predictions in the bin and conf(B) its mean confidence.
/// </summary>
/// <remarks>
/// Edge cases: empty bins contribute nothing; the value lies in [0, 1]; a perfectly confident correct classifier
/// (every max probability 1, every prediction right) has ECE 0. There is no scikit-learn oracle; the tests check
/// hand-computed cases. Inputs are validated like <see cref="LogLoss"/>.
/// </remarks>
public static class ExpectedCalibrationError
{
    /// <summary>The usual bin count (15).</summary>
    public const int DefaultBinCount = 15;

    /// <summary>ECE over <paramref name="binCount"/> equal-width confidence bins.</summary>
    /// <param name="targets">True class per sample, 0..C−1.</param>
    /// <param name="probabilities">N rows of C class probabilities.</param>
    /// <param name="binCount">M, the number of bins (≥ 1).</param>
    public static double Compute(IReadOnlyList<int> targets, double[][] probabilities, int binCount = DefaultBinCount)
    {
        MetricGuard.TargetsAndProbabilities(targets, probabilities);
        if (binCount < 1) throw new ArgumentOutOfRangeException(nameof(binCount), binCount, "at least one bin is required");
        var count = new long[binCount];
        var correct = new long[binCount];
        var confidence = new double[binCount];
        for (var i = 0; i < probabilities.Length; i++)
        {
            var row = probabilities[i];
            var pred = PredictedClasses.ArgMax(row);
            var c = row[pred];
            var b = Bin(c, binCount);
            count[b]++;
            confidence[b] += c;
            if (pred == targets[i]) correct[b]++;
        }
        double ece = 0;
        for (var b = 0; b < binCount; b++)
        {
            if (count[b] == 0) continue;
            var acc = (double)correct[b] / count[b];
            var conf = confidence[b] / count[b];
            ece += (double)count[b] / probabilities.Length * Math.Abs(acc - conf);
        }
        return ece;
    }

    /// <summary>Index b of the bin (b/M, (b+1)/M] holding confidence c in [0, 1], with the edges computed as b/M in double.</summary>
    internal static int Bin(double c, int binCount)
    {
        var b = (int)Math.Ceiling(c * binCount) - 1;
        b = Math.Clamp(b, 0, binCount - 1);
        while (b > 0 && c <= (double)b / binCount) b--;
        while (b < binCount - 1 && c > (double)(b + 1) / binCount) b++;
        return b;
    }
}
