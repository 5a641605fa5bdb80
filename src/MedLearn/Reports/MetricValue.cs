namespace MedLearn.Reports;

/// <summary>A headline metric with an optional 95 % confidence interval.</summary>
/// <param name="Name">Display name ("Accuracy", "Macro AUC", ...).</param>
/// <param name="Value">Point estimate; NaN prints "n/a".</param>
/// <param name="CiLow">Lower end of the 95 % CI, or null when no interval was computed.</param>
/// <param name="CiHigh">Upper end of the 95 % CI, or null.</param>
public sealed record MetricValue(string Name, double Value, double? CiLow = null, double? CiHigh = null);
