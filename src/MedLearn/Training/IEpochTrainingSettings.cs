using MedLearn.Torch.Amp;

namespace MedLearn.Training;

/// <summary>
/// The settings an epoch-based method's options (classify, semi, GMIC) hand to the <see cref="Trainer"/> unchanged;
/// <see cref="TrainerOptions.ForRun"/> maps them in one place.
/// </summary>
internal interface IEpochTrainingSettings
{
    int Epochs { get; }
    Precision Precision { get; }
    ulong Seed { get; }
    double? GradientClipNorm { get; }
    string Monitor { get; }
    int KeepBest { get; }
    int? EarlyStoppingPatience { get; }
}
