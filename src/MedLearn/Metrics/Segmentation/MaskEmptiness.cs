namespace MedLearn.Metrics.Segmentation;

/// <summary>Which of a case's masks were empty, i.e. which empty-mask rule the metrics applied.</summary>
public enum MaskEmptiness
{
    /// <summary>Both masks have foreground: every metric is defined.</summary>
    None,
    /// <summary>Only the prediction is empty: Dice = Jaccard = 0, distances NaN (undefined).</summary>
    Prediction,
    /// <summary>Only the ground truth is empty: Dice = Jaccard = 0, distances NaN (undefined).</summary>
    Truth,
    /// <summary>Both are empty: Dice = Jaccard = 1, distances 0.</summary>
    Both,
}
