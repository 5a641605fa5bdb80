using MedLearn.Runs;

namespace MedLearn.Methods.Supervised;

/// <summary>Writes the evaluation results of a classification run: metrics.json and predictions.csv (atomically).</summary>
public static class RunArtifacts
{
    /// <summary>Writes <paramref name="summary"/> to <paramref name="metricsPath"/> and the per-image probabilities to <paramref name="predictionsPath"/>.</summary>
    public static void Write(string metricsPath, string predictionsPath, RunSummary summary, ClassificationOutputs outputs, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(outputs);
        MetricsFile.Write(metricsPath, summary);
        var predictions = outputs.Predictions();
        PredictionsFile.Write(predictionsPath, new PredictionSet(classes, [.. Enumerable.Range(0, outputs.Count).Select(i => new PredictionRow(
            outputs.Paths[i], outputs.Targets[i] >= 0 ? classes[outputs.Targets[i]] : null, classes[predictions[i]], outputs.Probabilities[i]))]));
    }
}
