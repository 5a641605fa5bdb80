namespace MedLearn.Torch.Optim.Schedulers;

/// <summary>How <see cref="ReduceLROnPlateau.Threshold"/> defines a significant improvement.</summary>
public enum ThresholdMode
{
    /// <summary>Relative: better than best * (1 -/+ threshold).</summary>
    Rel,
    /// <summary>Absolute: better than best -/+ threshold.</summary>
    Abs,
}
