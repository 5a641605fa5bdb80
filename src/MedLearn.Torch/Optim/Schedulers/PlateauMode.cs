namespace MedLearn.Torch.Optim.Schedulers;

/// <summary>Whether a lower (<see cref="Min"/>) or higher (<see cref="Max"/>) metric is better.</summary>
public enum PlateauMode
{
    /// <summary>Lower is better (losses).</summary>
    Min,
    /// <summary>Higher is better (accuracies).</summary>
    Max,
}
