using MedLearn.Data.Datasets;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// Breast-level prediction from image-level ones, as in the authors' evaluation: the images of one (exam,
/// laterality) are a breast; per output <c>y_breast = (mean_CC y + mean_MLO y) / 2</c> (with one image per view, the
/// average of the CC and MLO probabilities). The breast is positive for an output when any of its labelled images is.
/// A breast without one of the views follows the <see cref="MissingViewPolicy"/>.
/// </summary>
public static class BreastAggregation
{
    /// <summary>The breasts of <paramref name="images"/> (path, probabilities per output, targets or null), in order of first appearance.</summary>
    /// <param name="images">Image-level results.</param>
    /// <param name="info">Screening columns by image path (view, laterality and exam are required for every image).</param>
    /// <param name="policy">What to do with a breast missing a view.</param>
    /// <param name="source">The manifest, named in errors.</param>
    /// <returns>The breasts and the number of breasts skipped under <see cref="MissingViewPolicy.Skip"/>.</returns>
    /// <exception cref="DatasetException">An image has no view/laterality/exam, or a breast misses a view under <see cref="MissingViewPolicy.Fail"/>.</exception>
    public static (IReadOnlyList<BreastPrediction> Breasts, int Skipped) Aggregate(IReadOnlyList<(string Path, float[] Probabilities, float[]? Targets)> images,
        IReadOnlyDictionary<string, ScreeningImageInfo> info, MissingViewPolicy policy, string source)
    {
        var groups = new List<(string Exam, string Laterality, List<(ScreeningImageInfo Info, float[] P, float[]? T)> Images)>();
        var index = new Dictionary<(string, string), int>();
        foreach (var (path, p, t) in images)
        {
            if (!info.TryGetValue(path, out var i) || i.View is null || i.Laterality is null || i.Exam is null)
                throw new DatasetException($"{source}: {path} has no view, laterality or exam; breast-level aggregation needs all three");
            if (!index.TryGetValue((i.Exam, i.Laterality), out var g))
            {
                index[(i.Exam, i.Laterality)] = g = groups.Count;
                groups.Add((i.Exam, i.Laterality, []));
            }
            groups[g].Images.Add((i, p, t));
        }
        var missing = new List<string>();
        var breasts = new List<BreastPrediction>();
        var skipped = 0;
        foreach (var (exam, laterality, list) in groups)
        {
            var cc = list.Where(x => x.Info.View == "CC").ToList();
            var mlo = list.Where(x => x.Info.View == "MLO").ToList();
            var outputs = list[0].P.Length;
            float[] probabilities;
            string views;
            if (cc.Count > 0 && mlo.Count > 0)
            {
                probabilities = [.. Enumerable.Range(0, outputs).Select(o => (float)((cc.Average(x => (double)x.P[o]) + mlo.Average(x => (double)x.P[o])) / 2))];
                views = "CC+MLO";
            }
            else
            {
                var present = cc.Count > 0 ? "CC" : "MLO";
                var absent = cc.Count > 0 ? "MLO" : "CC";
                if (policy == MissingViewPolicy.Fail)
                {
                    missing.Add($"exam '{exam}' breast {laterality}: no {absent} view (row{(list.Count == 1 ? "" : "s")} {string.Join(", ", list.Select(x => x.Info.Row))} {(list.Count == 1 ? "is" : "are")} {present})");
                    continue;
                }
                if (policy == MissingViewPolicy.Skip)
                {
                    skipped++;
                    continue;
                }
                probabilities = [.. Enumerable.Range(0, outputs).Select(o => (float)list.Average(x => (double)x.P[o]))];
                views = present;
            }
            var labelled = list.Where(x => x.T is not null).ToList();
            float[]? targets = labelled.Count == 0 ? null : [.. Enumerable.Range(0, outputs).Select(o => labelled.Max(x => x.T![o]))];
            var readers = list.Where(x => x.Info.Reader is not null).Select(x => x.Info.Reader!.Value).ToList();
            breasts.Add(new BreastPrediction(exam, laterality, views, targets, probabilities, readers.Count == 0 ? null : readers.Average()));
        }
        if (missing.Count > 0)
            throw new DatasetException($"{source}: breast-level aggregation needs the CC and the MLO view of every breast " +
                "(set missing-views to skip to leave such breasts out, or to available to use the view present)", missing);
        return (breasts, skipped);
    }
}
