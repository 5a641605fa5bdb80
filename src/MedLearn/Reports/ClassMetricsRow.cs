namespace MedLearn.Reports;

/// <summary>One row of the per-class table; NaN prints "n/a" (e.g. precision of a class never predicted).</summary>
/// <param name="ClassName">Class name.</param>
/// <param name="Support">Number of evaluation items whose true class this is.</param>
/// <param name="Precision">TP / (TP + FP).</param>
/// <param name="Recall">Recall = sensitivity = TP / (TP + FN).</param>
/// <param name="Specificity">TN / (TN + FP).</param>
/// <param name="F1">2 · precision · recall / (precision + recall).</param>
/// <param name="Auc">One-vs-rest ROC AUC, or null when not computed.</param>
public sealed record ClassMetricsRow(
    string ClassName,
    long Support,
    double Precision,
    double Recall,
    double Specificity,
    double F1,
    double? Auc = null);
