using MedLearn.Metrics;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// Image-level metrics of multi-label sigmoid outputs: per-output ROC AUC (<see cref="RocAuc.Binary"/>: the
/// probability that a random positive scores above a random negative, ties counting half), and the macro mean
/// over the outputs whose AUC is defined (NaN when an output has only positives or only negatives; NaN overall
/// when none is defined).
/// </summary>
public static class GmicMetrics
{
    /// <summary>AUC of output <paramref name="output"/> over rows of targets/scores.</summary>
    public static double Auc(IReadOnlyList<float[]> targets, IReadOnlyList<float[]> scores, int output)
    {
        var positives = targets.Select(t => t[output] > 0.5f).ToArray();
        if (positives.All(p => p) || positives.All(p => !p)) return double.NaN;
        return RocAuc.Binary(positives, [.. scores.Select(s => (double)s[output])]);
    }

    /// <summary>Macro mean of the defined per-output AUCs.</summary>
    public static double MacroAuc(IReadOnlyList<float[]> targets, IReadOnlyList<float[]> scores)
    {
        if (targets.Count == 0) return double.NaN;
        var aucs = Enumerable.Range(0, targets[0].Length).Select(c => Auc(targets, scores, c)).Where(double.IsFinite).ToArray();
        return aucs.Length == 0 ? double.NaN : aucs.Average();
    }
}
