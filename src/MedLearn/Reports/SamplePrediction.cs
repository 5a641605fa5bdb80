namespace MedLearn.Reports;

/// <summary>One example shown in the sample-predictions grid.</summary>
/// <param name="Thumbnail">Encoded thumbnail (PNG; JPEG is recognised by its signature), embedded as a data: URI. Empty: a placeholder.</param>
/// <param name="TrueClass">Name of the true class.</param>
/// <param name="PredictedClass">Name of the predicted class.</param>
/// <param name="Probability">Predicted probability of <paramref name="PredictedClass"/> in [0, 1].</param>
public sealed record SamplePrediction(byte[] Thumbnail, string TrueClass, string PredictedClass, double Probability)
{
    /// <summary>Optional caption (file name, case id), or null.</summary>
    public string? Caption { get; init; }

    /// <summary>True when the predicted class is the true class (ordinal string comparison).</summary>
    public bool Correct => string.Equals(TrueClass, PredictedClass, StringComparison.Ordinal);
}
