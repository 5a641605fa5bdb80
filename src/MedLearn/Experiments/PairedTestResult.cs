namespace MedLearn.Experiments;

/// <summary>The outcome of a paired two-sided test of "method A − method B" over seeds.</summary>
/// <param name="Test">Name of the test ("paired t", "Wilcoxon signed-rank (exact)", "sign (exact)").</param>
/// <param name="Statistic">The test statistic (t; min(W+, W−); number of positive differences).</param>
/// <param name="PValue">Two-sided p-value (NaN when the test is undefined, e.g. a t-test on one pair).</param>
/// <param name="Pairs">Pairs used (the rank and sign tests drop zero differences).</param>
/// <param name="MinimumPValue">Smallest two-sided p-value the test can reach with this many pairs (the exact tests
/// have a floor: 2/2^n), or 0 when there is none; shows how little power a handful of seeds has.</param>
public sealed record PairedTestResult(string Test, double Statistic, double PValue, int Pairs, double MinimumPValue);
