namespace MedLearn.Methods.Gmic;

/// <summary>
/// Settings of <see cref="GmicTuning"/>: a random search over the learning rate, beta and t, each drawn
/// log-uniformly from its range (<c>exp(U(ln lo, ln hi))</c>) from a generator seeded by (seed, trial), so a trial
/// always gets the same values.
/// </summary>
public sealed record GmicTuneOptions
{
    /// <summary>The training settings every trial starts from (data, sizes, epochs, ...); lr, beta and t are replaced.</summary>
    public GmicTrainingOptions Base { get; init; } = new();

    /// <summary>Folder of the search: one run folder per trial, tune.csv and tune.json.</summary>
    public string Out { get; init; } = "tune";

    /// <summary>Number of trials.</summary>
    public int Trials { get; init; } = 8;

    /// <summary>Seed of the search (the trials' values); each trial trains with the base seed.</summary>
    public ulong Seed { get; init; }

    /// <summary>Learning-rate range [lo, hi] (default 10^-5.5 .. 10^-3.5).</summary>
    public IReadOnlyList<double> LearningRate { get; init; } = [3.1622776601683795e-6, 3.1622776601683794e-4];

    /// <summary>beta range (default 10^-5.5 .. 10^-3.5).</summary>
    public IReadOnlyList<double> Beta { get; init; } = [3.1622776601683795e-6, 3.1622776601683794e-4];

    /// <summary>t range (default 0.02 .. 0.1).</summary>
    public IReadOnlyList<double> TopTPercent { get; init; } = [0.02, 0.1];
}
