using MedLearn.Metrics;

namespace MedLearn.Methods.Gmic;

/// <summary>Breast-level metrics (<see cref="BreastAggregation"/>) of a held-out evaluation.</summary>
/// <param name="Breasts">Breasts evaluated (labelled).</param>
/// <param name="Skipped">Breasts left out for a missing view (<see cref="MissingViewPolicy.Skip"/>).</param>
/// <param name="SingleView">Breasts predicted from one view (<see cref="MissingViewPolicy.Available"/>).</param>
/// <param name="MissingViews">The policy, in words (fail, skip, available).</param>
/// <param name="Outputs">Per output: positives and the breast-level ROC AUC with its bootstrap 95% CI over breasts.</param>
public sealed record GmicBreastMetrics(int Breasts, int Skipped, int SingleView, string MissingViews, IReadOnlyList<GmicLevelAuc> Outputs);

/// <summary>ROC AUC of one output at one level.</summary>
/// <param name="Name">Output name.</param>
/// <param name="Positives">Positive cases.</param>
/// <param name="Auc">AUC with its percentile-bootstrap 95% CI.</param>
public sealed record GmicLevelAuc(string Name, int Positives, BootstrapInterval Auc);

/// <summary>The human-machine hybrid (<see cref="HybridScore"/>) on the cases that have a reader score.</summary>
/// <param name="Output">The output the reader score is combined with.</param>
/// <param name="Lambda">lambda of <c>lambda * reader + (1 - lambda) * model</c>.</param>
/// <param name="Level">"breast" (breast-level aggregation available) or "image".</param>
/// <param name="Cases">Labelled cases with a reader score.</param>
/// <param name="Positives">Positive cases among them.</param>
/// <param name="Auc">AUC of the hybrid with its bootstrap 95% CI.</param>
/// <param name="AucModel">AUC of the model alone on the same cases.</param>
/// <param name="AucReader">AUC of the reader alone on the same cases.</param>
public sealed record GmicHybridMetrics(string Output, double Lambda, string Level, int Cases, int Positives, BootstrapInterval Auc, double? AucModel, double? AucReader);
