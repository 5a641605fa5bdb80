using MedLearn.Metrics;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// The breast-level and hybrid metrics of held-out <see cref="GmicPrediction"/>s (y_fusion) with the screening
/// columns of their manifest: breasts by <see cref="BreastAggregation"/>, AUCs with a percentile-bootstrap 95% CI over
/// cases, the hybrid by <see cref="HybridScore"/> at the breast level when views are present, else per image.
/// </summary>
public static class GmicExamSummaryBuilder
{
    /// <summary>The settings of the exam-level metrics.</summary>
    /// <param name="MissingViews">Breasts missing a view.</param>
    /// <param name="ReaderLambda">lambda of the hybrid.</param>
    /// <param name="ReaderOutput">The output the reader score is combined with; null = the last output (e.g. malignant).</param>
    /// <param name="BootstrapSamples">Bootstrap resamples (0 = no CI).</param>
    /// <param name="Seed">Bootstrap seed.</param>
    public sealed record Settings(MissingViewPolicy MissingViews, double ReaderLambda, string? ReaderOutput, int BootstrapSamples, int Seed);

    /// <summary>The breasts of <paramref name="predictions"/> (null when the manifest has no views).</summary>
    public static (IReadOnlyList<BreastPrediction> Breasts, int Skipped)? Breasts(IReadOnlyList<GmicPrediction> predictions, ScreeningData data, MissingViewPolicy policy) =>
        data.HasViews ? BreastAggregation.Aggregate([.. predictions.Select(p => (p.Path, p.Fusion, p.Targets))], data.Info, policy, data.Source) : null;

    /// <summary>Breast-level AUCs, or null without views.</summary>
    public static GmicBreastMetrics? BreastMetrics((IReadOnlyList<BreastPrediction> Breasts, int Skipped)? aggregated, IReadOnlyList<string> outputs, Settings s)
    {
        if (aggregated is not { } a) return null;
        var labelled = a.Breasts.Where(b => b.Targets is not null).ToArray();
        var aucs = outputs.Select((name, o) => new GmicLevelAuc(name, labelled.Count(b => b.Targets![o] > 0.5f),
            Auc(labelled.Length, idx => GmicMetrics.Auc([.. idx.Select(i => labelled[i].Targets!)], [.. idx.Select(i => labelled[i].Probabilities)], o), s))).ToArray();
        return new GmicBreastMetrics(labelled.Length, a.Skipped, labelled.Count(b => b.Views != "CC+MLO"), s.MissingViews.ToString().ToLowerInvariant(), aucs);
    }

    /// <summary>The hybrid's metrics, or null when no labelled case has a reader score.</summary>
    /// <exception cref="ArgumentException">The reader output is not an output name.</exception>
    public static GmicHybridMetrics? Hybrid(IReadOnlyList<GmicPrediction> predictions, ScreeningData data,
        (IReadOnlyList<BreastPrediction> Breasts, int Skipped)? aggregated, IReadOnlyList<string> outputs, Settings s)
    {
        if (!data.HasReader) return null;
        var o = s.ReaderOutput is null ? outputs.Count - 1 : outputs.ToList().IndexOf(s.ReaderOutput);
        if (o < 0) throw new ArgumentException($"reader-output: '{s.ReaderOutput}' is not an output (outputs: {string.Join(", ", outputs)})");
        (float Target, double Model, double Reader)[] cases = aggregated is { } a
            ? [.. a.Breasts.Where(b => b.Targets is not null && b.Reader is not null).Select(b => (b.Targets![o], (double)b.Probabilities[o], b.Reader!.Value))]
            : [.. predictions.Where(p => p.Targets is not null && data.Info.TryGetValue(p.Path, out var i) && i.Reader is not null)
                .Select(p => (p.Targets![o], (double)p.Fusion[o], data.Info[p.Path].Reader!.Value))];
        if (cases.Length == 0) return null;
        double AucOf(IReadOnlyList<int> idx, Func<(float Target, double Model, double Reader), double> score)
        {
            var positives = idx.Select(i => cases[i].Target > 0.5f).ToArray();
            return positives.All(p => p) || positives.All(p => !p) ? double.NaN : RocAuc.Binary(positives, [.. idx.Select(i => score(cases[i]))]);
        }
        var all = Enumerable.Range(0, cases.Length).ToArray();
        var hybrid = Auc(cases.Length, idx => AucOf(idx, c => HybridScore.Combine(c.Reader, c.Model, s.ReaderLambda)), s);
        return new GmicHybridMetrics(outputs[o], s.ReaderLambda, aggregated is null ? "image" : "breast", cases.Length, cases.Count(c => c.Target > 0.5f), hybrid,
            Finite(AucOf(all, c => c.Model)), Finite(AucOf(all, c => c.Reader)));
    }

    private static BootstrapInterval Auc(int n, Func<IReadOnlyList<int>, double> metric, Settings s)
    {
        if (n == 0) return new BootstrapInterval(null, null, null, 0.95, 0, 0);
        if (s.BootstrapSamples > 0) return BootstrapConfidenceInterval.Compute(n, metric, s.BootstrapSamples, s.Seed);
        return new BootstrapInterval(Finite(metric([.. Enumerable.Range(0, n)])), null, null, 0.95, 0, 0);
    }

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
