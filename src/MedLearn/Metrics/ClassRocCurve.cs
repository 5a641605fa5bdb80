namespace MedLearn.Metrics;

/// <summary>The one-vs-rest ROC curve of one class (see <see cref="RocCurve"/> for the construction).</summary>
/// <param name="Index">Class index, 0..C−1.</param>
/// <param name="Name">Class name.</param>
/// <param name="Auc">Area under this curve.</param>
/// <param name="Fpr">False-positive rates.</param>
/// <param name="Tpr">True-positive rates.</param>
/// <param name="Thresholds">Probability thresholds, strictly decreasing; the first is max + 1 (scikit-learn 1.2).</param>
public sealed record ClassRocCurve(int Index, string Name, double Auc, double[] Fpr, double[] Tpr, double[] Thresholds);
