namespace MedLearn.Methods.Gmic;

/// <summary>One breast's aggregated prediction.</summary>
/// <param name="Exam">Exam id.</param>
/// <param name="Laterality">"L" or "R".</param>
/// <param name="Views">The views used ("CC+MLO", or the one present under <see cref="MissingViewPolicy.Available"/>).</param>
/// <param name="Targets">Per output: 1 when any of its labelled images is positive, else 0; null when none is labelled.</param>
/// <param name="Probabilities">Per output: (mean over CC images + mean over MLO images) / 2, or the present view's mean.</param>
/// <param name="Reader">Mean reader score of its images that have one, or null.</param>
public sealed record BreastPrediction(string Exam, string Laterality, string Views, float[]? Targets, float[] Probabilities, double? Reader);
