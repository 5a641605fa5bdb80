using MedLearn.Methods.SemiSupervised;

namespace MedLearn.Experiments;

/// <summary>
/// A label-fraction sweep: every (fraction, method, seed) cell trains one semi-supervised run from
/// <see cref="Base"/> with that fraction, method and seed. One seed gives one split and, per fraction, one labeled
/// subset, shared by every method (the comparison is paired).
/// </summary>
public sealed record LabelSweepOptions
{
    /// <summary>Settings of every cell (its data, out, name, seed, labeled fraction and method are replaced per cell).</summary>
    public SemiSupervisedTrainingOptions Base { get; init; } = new();

    /// <summary>Labeled fractions, each in (0, 1].</summary>
    public IReadOnlyList<double> Fractions { get; init; } = [0.05, 0.1, 0.2, 1.0];

    /// <summary>Methods compared; the first supervised one is the baseline of the paired tests.</summary>
    public IReadOnlyList<SemiSupervisedMethod> Methods { get; init; } = [SemiSupervisedMethod.Supervised, SemiSupervisedMethod.SrcMt];

    /// <summary>Number of seeds: seeds FirstSeed .. FirstSeed + Seeds − 1.</summary>
    public int Seeds { get; init; } = 3;

    /// <summary>First seed.</summary>
    public ulong FirstSeed { get; init; }

    /// <summary>Folder of the sweep: one run folder per cell under cells/, plus sweep.json, sweep.csv and report.html.</summary>
    public string Out { get; init; } = "sweep";

    /// <summary>The seeds of the grid.</summary>
    public IReadOnlyList<ulong> SeedList => [.. Enumerable.Range(0, Seeds).Select(i => FirstSeed + (ulong)i)];

    /// <summary>Checks the grid and the base settings.</summary>
    /// <exception cref="ArgumentException">An empty or invalid grid (the message names the flag), or invalid base settings.</exception>
    public void Validate()
    {
        if (Fractions.Count == 0) throw new ArgumentException("fractions: give at least one labeled fraction");
        foreach (var f in Fractions)
            if (!(f > 0 && f <= 1)) throw new ArgumentException($"fractions: each must be in (0, 1] (got {f.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
        if (Fractions.Distinct().Count() != Fractions.Count) throw new ArgumentException("fractions: a fraction is listed twice");
        if (Methods.Count == 0) throw new ArgumentException("methods: give at least one method");
        if (Methods.Distinct().Count() != Methods.Count) throw new ArgumentException("methods: a method is listed twice");
        if (Seeds < 1) throw new ArgumentException($"seeds: must be >= 1 (got {Seeds})");
        if (string.IsNullOrWhiteSpace(Out)) throw new ArgumentException("out: no sweep folder given");
        SemiSupervisedSetup.Validate(Base with { LabeledFraction = Fractions[0], Method = Methods[0] });
    }
}
