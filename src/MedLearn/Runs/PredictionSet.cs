namespace MedLearn.Runs;

/// <summary>The contents of a predictions file: class names (probability column order) and one row per item.</summary>
/// <param name="Classes">Class names; column <c>p_&lt;class&gt;</c> holds each one's probability.</param>
/// <param name="Rows">Rows in file order.</param>
public sealed record PredictionSet(IReadOnlyList<string> Classes, IReadOnlyList<PredictionRow> Rows);
