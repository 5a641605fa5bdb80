namespace MedLearn.Experiments;

/// <summary>The outcome of one cell (also the rows of sweep.json and sweep.csv).</summary>
/// <param name="Fraction">Labeled fraction.</param>
/// <param name="Method">Configured method (kebab-case).</param>
/// <param name="Seed">Seed.</param>
/// <param name="Status">completed, diverged, or cancelled.</param>
/// <param name="RanMethod">The method that actually ran (supervised when there were no unlabeled images), or null.</param>
/// <param name="RunPath">The cell's run folder.</param>
/// <param name="Labeled">Labeled training images.</param>
/// <param name="Unlabeled">Unlabeled training images.</param>
/// <param name="Metrics">Held-out metrics of the exported student by name (accuracy, balanced_accuracy, macro_f1, macro_auc,
/// kappa_quadratic, kappa_linear; NaN when undefined); empty unless completed.</param>
/// <param name="Seconds">Wall time of the invocation that finished the cell (setup, training, evaluation; for a resumed cell only the resumed part).</param>
/// <param name="Message">The trainer's closing sentence.</param>
public sealed record LabelSweepCellResult(double Fraction, string Method, ulong Seed, string Status, string? RanMethod, string RunPath,
    long Labeled, long Unlabeled, IReadOnlyDictionary<string, double> Metrics, double Seconds, string Message)
{
    /// <summary>The consistency weight λ of the cell's last epoch (semi.json), or null (supervised, or recorded before it was kept).</summary>
    public double? ConsistencyWeightReached { get; init; }

    /// <summary>The full consistency weight w configured for the cell (0 for supervised).</summary>
    public double ConsistencyWeight { get; init; }

    /// <summary>The value of <paramref name="metric"/>, NaN when absent.</summary>
    public double Get(string metric) => Metrics.TryGetValue(metric, out var v) ? v : double.NaN;
}
