namespace MedLearn.Metrics;

/// <summary>
/// Predicted class per sample: the arg-max of each probability row, the first maximum on ties
/// (as <c>numpy.argmax</c>).
/// </summary>
public static class PredictedClasses
{
    /// <summary>Arg-max of each row of <paramref name="probabilities"/> (validated: N × C, finite, rows summing to 1).</summary>
    public static int[] FromProbabilities(double[][] probabilities)
    {
        MetricGuard.Probabilities(probabilities);
        var predictions = new int[probabilities.Length];
        for (var i = 0; i < predictions.Length; i++) predictions[i] = ArgMax(probabilities[i]);
        return predictions;
    }

    internal static int ArgMax(double[] row)
    {
        var best = 0;
        for (var j = 1; j < row.Length; j++)
            if (row[j] > row[best]) best = j;
        return best;
    }
}
