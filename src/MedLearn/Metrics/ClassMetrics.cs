namespace MedLearn.Metrics;

/// <summary>One-vs-rest metrics of one class (see <see cref="Precision"/>, <see cref="Recall"/>, <see cref="Specificity"/>,
/// <see cref="F1Score"/>, <see cref="RocAuc"/> for the formulas and the zero-division rule).</summary>
/// <param name="Index">Class index, 0..C−1.</param>
/// <param name="Name">Class name.</param>
/// <param name="Support">Number of samples whose true class is this one.</param>
/// <param name="Predicted">Number of samples predicted as this class.</param>
/// <param name="Precision">TP / (TP + FP), 0 when never predicted.</param>
/// <param name="Recall">Sensitivity TP / (TP + FN), 0 when absent from the targets.</param>
/// <param name="Specificity">TN / (TN + FP), 0 when every sample is of this class.</param>
/// <param name="F1">2PR / (P + R), 0 when P + R = 0.</param>
/// <param name="Auc">One-vs-rest ROC AUC; null when undefined (class absent from the targets, or every sample of it).</param>
public sealed record ClassMetrics(
    int Index,
    string Name,
    long Support,
    long Predicted,
    double Precision,
    double Recall,
    double Specificity,
    double F1,
    double? Auc);
