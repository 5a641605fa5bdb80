using MedLearn.Metrics;

namespace MedLearn.Methods.Supervised;

/// <summary>
/// The per-epoch validation metrics of a classifier, computed on the labeled images: "loss" (mean
/// cross-entropy, class-weighted like training), "accuracy", "balanced_accuracy", "macro_f1", "auc" (macro
/// one-vs-rest ROC AUC over the classes present) and "kappa_quadratic" (quadratic-weighted Cohen's kappa, the
/// ordinal-staging agreement). Undefined values (no labeled image; AUC or kappa undefined) are NaN, which the
/// trainer never counts as an improvement.
/// </summary>
public static class ClassificationValidationMetrics
{
    /// <summary>Metrics of the labeled images of <paramref name="outputs"/>.</summary>
    public static IReadOnlyDictionary<string, double> Compute(ClassificationOutputs outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var labeled = outputs.Labeled();
        var result = new Dictionary<string, double> { ["loss"] = outputs.MeanLoss };
        if (labeled.Count == 0)
        {
            foreach (var name in new[] { "accuracy", "balanced_accuracy", "macro_f1", "auc", "kappa_quadratic" }) result[name] = double.NaN;
            return result;
        }
        var classes = labeled.Probabilities[0].Length;
        var m = ClassificationEvaluation.Compute(labeled.Targets, labeled.Probabilities, [.. Enumerable.Range(0, classes).Select(c => $"class{c}")]);
        result["accuracy"] = m.Accuracy;
        result["balanced_accuracy"] = m.BalancedAccuracy;
        result["macro_f1"] = m.MacroF1;
        result["auc"] = m.MacroAuc ?? double.NaN;
        result["kappa_quadratic"] = m.KappaQuadratic ?? double.NaN;
        return result;
    }
}
