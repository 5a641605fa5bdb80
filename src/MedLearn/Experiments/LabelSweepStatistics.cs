namespace MedLearn.Experiments;

/// <summary>Mean ± sample standard deviation of one metric over the seeds of one (fraction, method).</summary>
/// <param name="Fraction">Labeled fraction.</param>
/// <param name="Method">Method (kebab-case).</param>
/// <param name="Metric">Metric name (e.g. accuracy, kappa_quadratic).</param>
/// <param name="Seeds">Seeds of the completed cells with a defined value, in order.</param>
/// <param name="Values">The values, in seed order.</param>
/// <param name="Mean">Mean (NaN without values).</param>
/// <param name="Std">Sample standard deviation (n − 1; NaN below two values).</param>
public sealed record LabelSweepAggregate(double Fraction, string Method, string Metric, IReadOnlyList<ulong> Seeds, IReadOnlyList<double> Values, double Mean, double Std);

/// <summary>A method against the supervised baseline at one fraction, paired by seed.</summary>
/// <param name="Fraction">Labeled fraction.</param>
/// <param name="Method">The compared method.</param>
/// <param name="Baseline">The baseline method (supervised).</param>
/// <param name="Metric">Metric name.</param>
/// <param name="Seeds">Seeds where both cells completed.</param>
/// <param name="Differences">method − baseline per seed.</param>
/// <param name="MeanDifference">Mean of the differences (NaN without pairs).</param>
/// <param name="Wins">Seeds where the method is higher.</param>
/// <param name="Ties">Seeds with equal values.</param>
/// <param name="Losses">Seeds where the method is lower.</param>
/// <param name="TTest">Paired t-test.</param>
/// <param name="Wilcoxon">Exact Wilcoxon signed-rank test.</param>
/// <param name="Sign">Exact sign test.</param>
/// <param name="FellBack">True when the method ran as supervised at this fraction (no unlabeled images).</param>
/// <param name="Verdict">One plain sentence.</param>
public sealed record LabelSweepComparison(double Fraction, string Method, string Baseline, string Metric, IReadOnlyList<ulong> Seeds,
    IReadOnlyList<double> Differences, double MeanDifference, int Wins, int Ties, int Losses, PairedTestResult TTest, PairedTestResult Wilcoxon,
    PairedTestResult Sign, bool FellBack, string Verdict)
{
    /// <summary>The unlabeled data helped on this metric: higher on average and on more seeds than lower (descriptive, not a significance claim).</summary>
    public bool Helped => !FellBack && MeanDifference > 0 && Wins > Losses;
}

/// <summary>Everything a sweep produced (sweep.json).</summary>
/// <param name="Data">The data folder or manifest.</param>
/// <param name="Fractions">Labeled fractions of the grid.</param>
/// <param name="Methods">Methods of the grid (kebab-case).</param>
/// <param name="Seeds">Seeds of the grid.</param>
/// <param name="Cells">Every cell's outcome (cells not run yet are absent).</param>
/// <param name="Aggregates">Per (fraction, method, metric) mean ± std.</param>
/// <param name="Comparisons">Per (fraction, method ≠ baseline, metric) paired comparison.</param>
/// <param name="Conclusions">Plain sentences: where the unlabeled data helped and where it did not, and the power caveat.</param>
public sealed record LabelSweepSummary(string Data, IReadOnlyList<double> Fractions, IReadOnlyList<string> Methods, IReadOnlyList<ulong> Seeds,
    IReadOnlyList<LabelSweepCellResult> Cells, IReadOnlyList<LabelSweepAggregate> Aggregates, IReadOnlyList<LabelSweepComparison> Comparisons,
    IReadOnlyList<string> Conclusions)
{
    /// <summary>File name in the sweep folder.</summary>
    public const string FileName = "sweep.json";

    /// <summary>The metrics aggregated (every one is in sweep.json and sweep.csv).</summary>
    public static IReadOnlyList<string> MetricNames { get; } = ["accuracy", "kappa_quadratic", "kappa_linear", "macro_f1", "macro_auc", "balanced_accuracy"];

    /// <summary>The classes are ordered stages (the sweep's <c>ordinal</c> setting): weighted kappas are shown and lead.</summary>
    public bool Ordinal { get; init; }

    /// <summary>The two headline metrics: accuracy and quadratic kappa for ordinal tasks, accuracy and macro F1 otherwise.</summary>
    public IReadOnlyList<string> HeadlineMetrics => HeadlineOf(Ordinal);

    /// <summary>The metrics shown, in report order: the headline first; weighted kappas only for ordinal tasks.</summary>
    public IReadOnlyList<string> ShownMetrics => [.. HeadlineMetrics, .. MetricNames.Where(m => !HeadlineMetrics.Contains(m) && (Ordinal || !m.StartsWith("kappa", StringComparison.Ordinal)))];

    private static IReadOnlyList<string> HeadlineOf(bool ordinal) => ordinal ? ["accuracy", "kappa_quadratic"] : ["accuracy", "macro_f1"];

    /// <summary>Readable metric names.</summary>
    public static string Describe(string metric) => metric switch
    {
        "accuracy" => "accuracy",
        "kappa_quadratic" => "quadratic weighted kappa",
        "kappa_linear" => "linear weighted kappa",
        "macro_f1" => "macro F1",
        "macro_auc" => "macro ROC AUC",
        "balanced_accuracy" => "balanced accuracy",
        _ => metric,
    };

    /// <summary>The aggregate of one (fraction, method, metric), or null.</summary>
    public LabelSweepAggregate? Aggregate(double fraction, string method, string metric) =>
        Aggregates.FirstOrDefault(a => a.Fraction == fraction && a.Method == method && a.Metric == metric);

    /// <summary>Computes aggregates, paired comparisons against the first "supervised" method, and the conclusions.</summary>
    public static LabelSweepSummary Build(string data, IReadOnlyList<double> fractions, IReadOnlyList<string> methods, IReadOnlyList<ulong> seeds,
        IReadOnlyList<LabelSweepCellResult> cells, bool ordinal = false)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var completed = cells.Where(c => c.Status == "completed").ToList();
        double Value(double f, string m, ulong s, string metric) =>
            completed.FirstOrDefault(c => c.Fraction == f && c.Method == m && c.Seed == s)?.Get(metric) ?? double.NaN;

        var aggregates = new List<LabelSweepAggregate>();
        foreach (var f in fractions)
            foreach (var m in methods)
                foreach (var metric in MetricNames)
                {
                    var pairs = seeds.Select(s => (s, v: Value(f, m, s, metric))).Where(x => !double.IsNaN(x.v)).ToList();
                    var values = pairs.Select(x => x.v).ToArray();
                    var mean = values.Length > 0 ? values.Average() : double.NaN;
                    var std = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)) : double.NaN;
                    aggregates.Add(new(f, m, metric, [.. pairs.Select(x => x.s)], values, mean, std));
                }

        var comparisons = new List<LabelSweepComparison>();
        var baseline = methods.FirstOrDefault(m => m == "supervised");
        if (baseline is not null)
            foreach (var f in fractions)
                foreach (var m in methods.Where(m => m != baseline))
                {
                    var fellBack = completed.Any(c => c.Fraction == f && c.Method == m && c.RanMethod == baseline);
                    foreach (var metric in MetricNames)
                    {
                        var pairs = seeds.Select(s => (s, a: Value(f, m, s, metric), b: Value(f, baseline, s, metric)))
                            .Where(x => !double.IsNaN(x.a) && !double.IsNaN(x.b)).ToList();
                        var a = pairs.Select(x => x.a).ToArray();
                        var b = pairs.Select(x => x.b).ToArray();
                        var diffs = pairs.Select(x => x.a - x.b).ToArray();
                        var mean = diffs.Length > 0 ? diffs.Average() : double.NaN;
                        var wins = diffs.Count(d => d > 1e-12);
                        var losses = diffs.Count(d => d < -1e-12);
                        var c = new LabelSweepComparison(f, m, baseline, metric, [.. pairs.Select(x => x.s)], diffs, mean, wins, diffs.Length - wins - losses,
                            losses, PairedTTest.Compute(a, b), WilcoxonSignedRankTest.Compute(a, b), SignTest.Compute(a, b), fellBack, "");
                        comparisons.Add(c with { Verdict = Verdict(c) });
                    }
                }
        return new LabelSweepSummary(data, fractions, methods, seeds, cells, aggregates, comparisons, Conclude(comparisons, seeds.Count, cells, HeadlineOf(ordinal)))
        {
            Ordinal = ordinal,
        };
    }

    private static string Verdict(LabelSweepComparison c)
    {
        var what = Describe(c.Metric);
        var pct = Math.Round(c.Fraction * 100, 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (c.Seeds.Count == 0) return $"{c.Method} vs {c.Baseline} at {pct}% labels: no completed pair of cells yet.";
        if (c.FellBack) return $"At {pct}% labels there are no unlabeled images: {c.Method} ran as {c.Baseline}, so there is nothing to compare.";
        var diff = Reports.Markup.Fixed(c.MeanDifference, 3);
        var record = $"higher on {c.Wins}, equal on {c.Ties}, lower on {c.Losses} of {c.Seeds.Count} seeds";
        if (c.Helped)
            return $"At {pct}% labels {c.Method} beat {c.Baseline} on {what} by {diff} on average ({record}; exact Wilcoxon p = {Reports.Markup.Fixed(c.Wilcoxon.PValue, 3)}, paired t p = {Reports.Markup.Fixed(c.TTest.PValue, 3)}).";
        return $"At {pct}% labels the unlabeled data did not help {what}: {c.Method} − {c.Baseline} = {diff} on average ({record}).";
    }

    private static List<string> Conclude(List<LabelSweepComparison> comparisons, int seeds, IReadOnlyList<LabelSweepCellResult> cells, IReadOnlyList<string> headline)
    {
        var lines = new List<string>();
        var second = headline[1];
        var secondName = second == "kappa_quadratic" ? "quadratic kappa" : Describe(second);
        foreach (var group in comparisons.Where(c => (c.Metric == "accuracy" || c.Metric == second) && c.Seeds.Count > 0 && !c.FellBack).GroupBy(c => c.Method))
        {
            var accuracy = group.Where(c => c.Metric == "accuracy").ToList();
            var kappa = group.Where(c => c.Metric == second).ToList();
            string Fractions(IEnumerable<LabelSweepComparison> cs) =>
                string.Join(", ", cs.Select(c => Math.Round(c.Fraction * 100, 2).ToString(System.Globalization.CultureInfo.InvariantCulture) + "%"));
            var both = accuracy.Where(a => a.Helped && kappa.Any(k => k.Fraction == a.Fraction && k.Helped)).ToList();
            var neither = accuracy.Where(a => !a.Helped && kappa.Any(k => k.Fraction == a.Fraction && !k.Helped)).ToList();
            if (both.Count > 0) lines.Add($"{group.Key} beat supervised-only on both accuracy and {secondName} (mean over seeds) at {Fractions(both)} labels.");
            if (neither.Count > 0) lines.Add($"The unlabeled data did not help {group.Key} at {Fractions(neither)} labels: it was not better than supervised-only on accuracy or on {secondName}.");
            var mixed = accuracy.Where(a => !both.Contains(a) && !neither.Contains(a)).ToList();
            if (mixed.Count > 0) lines.Add($"At {Fractions(mixed)} labels {group.Key} improved one of accuracy and {secondName} but not the other.");
        }
        {
            var unfinished = cells.Where(c => c.Status == "completed" && c.ConsistencyWeightReached is double r && c.ConsistencyWeight > 0 && r < c.ConsistencyWeight * (1 - 1e-9)).ToList();
            if (unfinished.Count > 0)
            {
                var lowest = unfinished.Min(c => c.ConsistencyWeightReached!.Value / c.ConsistencyWeight);
                lines.Add($"In {unfinished.Count} cell{(unfinished.Count == 1 ? "" : "s")} the consistency ramp-up was longer than training: the consistency weight reached only " +
                    $"{Reports.Markup.Percent(lowest, 1)} of its full value (lowest cell), so the unlabeled data was barely used there; train longer or shorten rampup-epochs before concluding that it did not help.");
            }
        }
        if (comparisons.Count > 0)
            lines.Add($"With {seeds} seed{(seeds == 1 ? "" : "s")} per cell the paired tests have little power: the exact Wilcoxon and sign tests cannot go below " +
                $"p = {Reports.Markup.Fixed(Math.Min(1, 2 / Math.Pow(2, seeds)), 3)} whatever the effect, and the t-test rests on a normality it cannot check; read the differences as descriptive.");
        return lines;
    }
}
