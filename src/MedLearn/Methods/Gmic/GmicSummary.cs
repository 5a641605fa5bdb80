using MedLearn.Methods.Supervised;
using MedLearn.Metrics;

namespace MedLearn.Methods.Gmic;

/// <summary>metrics.json of a GMIC run: image-level AUCs on the held-out split and the localisation measures.</summary>
/// <param name="Split">"test" (or "val" when the split has no test part).</param>
/// <param name="Images">Images evaluated.</param>
/// <param name="Outputs">Per output (class after the negative one): AUC of y_fusion with its bootstrap CI, and of y_global / y_local.</param>
/// <param name="Localisation">Localisation against the lesion masks of the positive images, or null when there are none.</param>
/// <param name="Precision">The resolved precision, in words.</param>
/// <param name="Training">How training ended.</param>
public sealed record GmicSummary(string Split, int Images, IReadOnlyList<GmicOutputMetrics> Outputs, GmicLocalisationMetrics? Localisation,
    string Precision, TrainingSummary Training)
{
    /// <summary>Breast-level metrics when the manifest has view, laterality and exam columns, else null.</summary>
    public GmicBreastMetrics? Breasts { get; init; }

    /// <summary>The reader hybrid when the manifest has a reader column, else null.</summary>
    public GmicHybridMetrics? Hybrid { get; init; }
}

/// <summary>Image-level metrics of one output.</summary>
/// <param name="Name">Output (class) name.</param>
/// <param name="Positives">Images whose target is 1.</param>
/// <param name="Auc">ROC AUC of y_fusion with its 95% percentile-bootstrap interval.</param>
/// <param name="AucGlobal">ROC AUC of y_global (NaN written as null).</param>
/// <param name="AucLocal">ROC AUC of y_local.</param>
public sealed record GmicOutputMetrics(string Name, int Positives, BootstrapInterval Auc, double? AucGlobal, double? AucLocal);

/// <summary>Localisation on positive images with a non-empty mask (see <see cref="LesionLocalisation"/>), for the true class's map.</summary>
/// <param name="Images">Positive images with a lesion mask.</param>
/// <param name="PeakHitRate">Fraction whose saliency peak cell overlaps a lesion.</param>
/// <param name="PatchHitRate">Fraction with at least one retrieved patch on a lesion.</param>
/// <param name="MeanDice">Mean Dice of the thresholded saliency map.</param>
/// <param name="DiceThreshold">The saliency threshold of the Dice.</param>
public sealed record GmicLocalisationMetrics(int Images, double PeakHitRate, double PatchHitRate, double MeanDice, double DiceThreshold);
