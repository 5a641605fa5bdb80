using MedLearn.Methods.Supervised;
using MedLearn.Metrics;

namespace MedLearn.Methods.Gmic;

/// <summary>Turns held-out <see cref="GmicPrediction"/>s into the metrics of <see cref="GmicSummary"/>.</summary>
public static class GmicSummaryBuilder
{
    /// <summary>Per-output AUCs (y_fusion with a percentile-bootstrap 95% CI over images) of the labelled predictions.</summary>
    public static IReadOnlyList<GmicOutputMetrics> Outputs(IReadOnlyList<GmicPrediction> predictions, IReadOnlyList<string> outputs, int bootstrapSamples, int seed)
    {
        var labelled = predictions.Where(p => p.Targets is not null).ToArray();
        var targets = labelled.Select(p => p.Targets!).ToArray();
        var result = new List<GmicOutputMetrics>();
        for (var o = 0; o < outputs.Count; o++)
        {
            var c = o;
            double Auc(IReadOnlyList<int> idx, Func<GmicPrediction, float[]> score) =>
                GmicMetrics.Auc([.. idx.Select(i => targets[i])], [.. idx.Select(i => score(labelled[i]))], c);
            var all = Enumerable.Range(0, labelled.Length).ToArray();
            BootstrapInterval auc = labelled.Length == 0
                ? new BootstrapInterval(null, null, null, 0.95, 0, 0)
                : bootstrapSamples > 0
                    ? BootstrapConfidenceInterval.Compute(labelled.Length, idx => Auc(idx, p => p.Fusion), bootstrapSamples, seed)
                    : new BootstrapInterval(Finite(Auc(all, p => p.Fusion)), null, null, 0.95, 0, 0);
            result.Add(new GmicOutputMetrics(outputs[o], targets.Count(t => t[c] > 0.5f), auc,
                Finite(labelled.Length == 0 ? double.NaN : Auc(all, p => p.Global)), Finite(labelled.Length == 0 ? double.NaN : Auc(all, p => p.Local))));
        }
        return result;
    }

    /// <summary>The localisation means over the measured images, or null when none was measured.</summary>
    public static GmicLocalisationMetrics? Localisation(IReadOnlyList<GmicPrediction> predictions, double diceThreshold)
    {
        var measured = predictions.Where(p => p.Localisation is not null).Select(p => p.Localisation!.Value).ToArray();
        if (measured.Length == 0) return null;
        return new GmicLocalisationMetrics(measured.Length, measured.Average(m => m.PeakHit ? 1.0 : 0.0), measured.Average(m => m.PatchHit ? 1.0 : 0.0),
            measured.Average(m => m.Dice), diceThreshold);
    }

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
