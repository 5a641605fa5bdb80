using MedLearn.Experiments;

namespace MedLearn.Tests.SemiSupervised;

/// <summary>Aggregation, pairing and the plain-language verdicts of a sweep, on hand-made cell results.</summary>
public sealed class LabelSweepSummaryTests
{
    private static LabelSweepCellResult Cell(double f, string method, ulong seed, double accuracy, double kappa, string? ran = null) =>
        new(f, method, seed, "completed", ran ?? method, $"/runs/{f}-{method}-{seed}", 10, 90,
            new Dictionary<string, double> { ["accuracy"] = accuracy, ["kappa_quadratic"] = kappa }, 1, "completed");

    [Fact]
    public void MeansStdsPairsAndVerdicts()
    {
        LabelSweepCellResult[] cells =
        [
            // 10%: src-mt higher on every seed (accuracy and kappa).
            Cell(0.1, "supervised", 0, 0.50, 0.40), Cell(0.1, "src-mt", 0, 0.60, 0.55),
            Cell(0.1, "supervised", 1, 0.40, 0.30), Cell(0.1, "src-mt", 1, 0.45, 0.35),
            Cell(0.1, "supervised", 2, 0.45, 0.35), Cell(0.1, "src-mt", 2, 0.48, 0.36),
            // 20%: src-mt lower on average.
            Cell(0.2, "supervised", 0, 0.70, 0.60), Cell(0.2, "src-mt", 0, 0.65, 0.62),
            Cell(0.2, "supervised", 1, 0.72, 0.65), Cell(0.2, "src-mt", 1, 0.70, 0.60),
            Cell(0.2, "supervised", 2, 0.68, 0.58), Cell(0.2, "src-mt", 2, 0.69, 0.55),
            // 100%: no unlabeled images, src-mt ran as supervised.
            Cell(1.0, "supervised", 0, 0.9, 0.8), Cell(1.0, "src-mt", 0, 0.9, 0.8, "supervised"),
        ];
        var s = LabelSweepSummary.Build("/data", [0.1, 0.2, 1.0], ["supervised", "src-mt"], [0, 1, 2], cells, ordinal: true); // ROP-like stages: kappa is a headline metric

        var a = s.Aggregate(0.1, "supervised", "accuracy")!;
        Assert.Equal(0.45, a.Mean, 12);
        Assert.Equal(0.05, a.Std, 12); // sqrt(((0.05)² + (0.05)² + 0) / 2)
        Assert.Equal([0UL, 1UL, 2UL], a.Seeds);
        Assert.Single(s.Aggregate(1.0, "src-mt", "accuracy")!.Values);
        Assert.Empty(s.Aggregate(0.1, "src-mt", "macro_f1")!.Values); // not recorded: no values, NaN mean

        var c10 = s.Comparisons.Single(c => c.Fraction == 0.1 && c.Metric == "accuracy");
        Assert.Equal([0.10, 0.05, 0.03], c10.Differences, new Tolerance());
        Assert.Equal((3, 0, 0), (c10.Wins, c10.Ties, c10.Losses));
        Assert.True(c10.Helped);
        Assert.Equal(0.25, c10.Wilcoxon.PValue, 12);
        Assert.StartsWith("At 10% labels src-mt beat supervised on accuracy by 0.060 on average", c10.Verdict);

        var c20 = s.Comparisons.Single(c => c.Fraction == 0.2 && c.Metric == "accuracy");
        Assert.False(c20.Helped);
        Assert.Contains("the unlabeled data did not help accuracy", c20.Verdict);
        Assert.True(s.Comparisons.Single(c => c.Fraction == 1.0 && c.Metric == "accuracy").FellBack);

        Assert.Contains("src-mt beat supervised-only on both accuracy and quadratic kappa (mean over seeds) at 10% labels.", s.Conclusions);
        Assert.Contains("The unlabeled data did not help src-mt at 20% labels: it was not better than supervised-only on accuracy or on quadratic kappa.", s.Conclusions);
        Assert.Contains(s.Conclusions, l => l.StartsWith("With 3 seeds per cell the paired tests have little power", StringComparison.Ordinal) && l.Contains("p = 0.250"));

        var html = new LabelSweepReport(s, "model: small-cnn\n").Render();
        Assert.Contains("did not help", html);
        Assert.Equal(2, html.Split("<svg").Length - 1); // accuracy and quadratic kappa charts
        Assert.Contains("0.450 ± 0.050", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal));
    }

    private sealed class Tolerance : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-12;

        public int GetHashCode(double obj) => 0;
    }
}
