namespace MedLearn.Methods.Supervised;

/// <summary>
/// The per-epoch validation metrics of a classifier: "loss" (mean cross-entropy), "accuracy" and — once the
/// metrics module is wired — balanced accuracy, macro F1, macro AUC and quadratic kappa.
/// </summary>
public static class ClassificationValidationMetrics
{
    /// <summary>Metrics of the labeled images of <paramref name="outputs"/>; NaN when there are none.</summary>
    public static IReadOnlyDictionary<string, double> Compute(ClassificationOutputs outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var labeled = outputs.Labeled();
        var predictions = labeled.Predictions();
        var correct = Enumerable.Range(0, labeled.Count).Count(i => predictions[i] == labeled.Targets[i]);
        return new Dictionary<string, double>
        {
            ["loss"] = outputs.MeanLoss,
            ["accuracy"] = labeled.Count == 0 ? double.NaN : (double)correct / labeled.Count,
        };
    }
}
