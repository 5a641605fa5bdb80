namespace MedLearn.Runs;

/// <summary>
/// Which evaluated images a report shows (sample predictions, explained images): stratified by true class and by
/// correct / wrong, so every class appears and both kinds of outcome are seen — not the first files of the list,
/// which in a class-folder dataset are all of one class.
/// </summary>
/// <remarks>
/// Rule: the labeled rows are grouped by true class (in <see cref="PredictionSet.Classes"/> order) and, within a class,
/// into wrong and correct predictions (each in file order). Picks go in rounds r = 0, 1, ...; in a round each class c
/// gives one row, a wrong one when r + c is even and a correct one when odd, or the other kind when that kind is used up;
/// a class with nothing left is passed over. Picking stops at <c>count</c> rows. With k classes the first k picks
/// cover every class that has a row, alternating wrong and correct; the result is ordered by class, wrong first, then
/// file order. Unlabeled rows are never picked. Deterministic: the same predictions give the same sample.
/// </remarks>
public static class PredictionSampling
{
    /// <summary>Up to <paramref name="count"/> labeled rows of <paramref name="predictions"/>, stratified as described in the remarks.</summary>
    public static IReadOnlyList<PredictionRow> Stratified(PredictionSet predictions, int count)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (count <= 0) return [];
        var classes = predictions.Classes.ToList();
        // Classes named in rows but absent from the header (hand-edited files) go last.
        foreach (var r in predictions.Rows)
            if (r.TrueLabel is { } t && !classes.Contains(t)) classes.Add(t);
        var wrong = classes.Select(_ => new Queue<int>()).ToArray();
        var correct = classes.Select(_ => new Queue<int>()).ToArray();
        for (var i = 0; i < predictions.Rows.Count; i++)
        {
            var r = predictions.Rows[i];
            if (r.TrueLabel is null) continue;
            var c = classes.IndexOf(r.TrueLabel);
            (r.TrueLabel == r.PredictedLabel ? correct : wrong)[c].Enqueue(i);
        }
        var picked = new List<(int Class, bool Wrong, int Row)>();
        for (var round = 0; picked.Count < count && wrong.Concat(correct).Any(q => q.Count > 0); round++)
            for (var c = 0; c < classes.Count && picked.Count < count; c++)
            {
                var preferWrong = (round + c) % 2 == 0;
                var (first, second) = preferWrong ? (wrong[c], correct[c]) : (correct[c], wrong[c]);
                var queue = first.Count > 0 ? first : second;
                if (queue.Count == 0) continue;
                picked.Add((c, queue == wrong[c], queue.Dequeue()));
            }
        return [.. picked.OrderBy(p => p.Class).ThenBy(p => p.Wrong ? 0 : 1).ThenBy(p => p.Row).Select(p => predictions.Rows[p.Row])];
    }
}
