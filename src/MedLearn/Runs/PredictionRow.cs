namespace MedLearn.Runs;

/// <summary>One item's prediction: its path, true label (null when unknown), predicted label and class probabilities.</summary>
/// <param name="Path">The item (as the dataset names it).</param>
/// <param name="TrueLabel">The reference class name, or null for an unlabelled item.</param>
/// <param name="PredictedLabel">The predicted class name.</param>
/// <param name="Probabilities">One probability per class, in the order of <see cref="PredictionSet.Classes"/>.</param>
public sealed record PredictionRow(string Path, string? TrueLabel, string PredictedLabel, IReadOnlyList<double> Probabilities);
