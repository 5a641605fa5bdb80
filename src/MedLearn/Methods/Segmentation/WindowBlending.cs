namespace MedLearn.Methods.Segmentation;

/// <summary>How overlapping sliding-window predictions are combined.</summary>
public enum WindowBlending
{
    /// <summary>Plain average of the overlapping windows' probabilities (the UG-MCL reference).</summary>
    Constant,
    /// <summary>Average weighted by a Gaussian centred on each window (σ = 1/8 of the patch size per axis), which down-weights window borders (MONAI's "gaussian" mode).</summary>
    Gaussian,
}
