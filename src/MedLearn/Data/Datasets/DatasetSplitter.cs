namespace MedLearn.Data.Datasets;

/// <summary>
/// Stratified, seeded train/val/test splits and labeled/unlabeled partitions.
/// </summary>
/// <remarks>
/// Stratification: items are grouped by <see cref="DatasetItem.Label"/> (unlabeled items, label -1, form one
/// more group). Within a group of n items (in dataset order), a seeded permutation (seed, group) picks
/// members. Counts use round-half-away-from-zero, <c>R(x) = floor(x + 0.5)</c> for x ≥ 0:
/// <list type="bullet">
/// <item>split: n_val = R(n·val), n_test = R(n·test); if n_val + n_test &gt; n, n_test then n_val are lowered
/// until they fit; n_train = n − n_val − n_test (train takes the rounding remainder).</item>
/// <item>labeled fraction f: k = R(n·f), but at least 1 when f &gt; 0 (every class keeps a labeled example) and
/// at most n.</item>
/// </list>
/// Results keep the source's item order. The same (dataset, fractions, seed) always gives the same result.
/// </remarks>
public static class DatasetSplitter
{
    private const ulong SplitTag = 0x5350_4C49_54UL;   // "SPLIT"
    private const ulong LabeledTag = 0x4C41_4245_4CUL; // "LABEL"

    /// <summary>
    /// The default train / validation / test fractions of training (<c>split</c> setting) and of
    /// <c>medlearn data split</c>: 0.7 / 0.15 / 0.15.
    /// </summary>
    public static IReadOnlyList<double> DefaultFractions { get; } = Array.AsReadOnly(new[] { 0.7, 0.15, 0.15 });

    /// <summary>Round half away from zero for non-negative x: floor(x + 0.5).</summary>
    public static int RoundHalfUp(double x) => (int)Math.Floor(x + 0.5);

    /// <summary>Splits <paramref name="dataset"/> into train/val/test (see remarks for the counting rule); items get their <see cref="DatasetItem.Split"/> set.</summary>
    /// <exception cref="ArgumentException">A fraction is negative or the three do not sum to 1 (±1e-6).</exception>
    public static DatasetSplit Split(ImageDataset dataset, double train, double val, double test, ulong seed)
    {
        if (train < 0 || val < 0 || test < 0 || Math.Abs(train + val + test - 1) > 1e-6)
            throw new ArgumentException($"split fractions must be non-negative and sum to 1, got {train}/{val}/{test}");
        var assignment = new string[dataset.Count];
        foreach (var (label, members) in Groups(dataset))
        {
            var n = members.Count;
            var nVal = RoundHalfUp(n * val);
            var nTest = RoundHalfUp(n * test);
            while (nVal + nTest > n) { if (nTest > 0) nTest--; else nVal--; }
            var perm = SeededPermutation.Create(n, SeededPermutation.Derive(seed, SplitTag, (ulong)(label + 1)));
            for (var j = 0; j < n; j++)
                assignment[members[perm[j]]] = j < nVal ? "val" : j < nVal + nTest ? "test" : "train";
        }
        return FromAssignment(dataset, assignment);
    }

    /// <summary>Builds the three parts from one split name per item (in dataset order).</summary>
    internal static DatasetSplit FromAssignment(ImageDataset dataset, IReadOnlyList<string> assignment)
    {
        ImageDataset Part(string name) => dataset.WithItems([.. dataset.Items
            .Select((item, i) => (item, i)).Where(x => assignment[x.i] == name).Select(x => x.item with { Split = name })]);
        return new DatasetSplit(Part("train"), Part("val"), Part("test"));
    }

    /// <summary>
    /// Marks a stratified, seeded fraction of each class as labeled and the rest unlabeled (see remarks for the
    /// count). Items without a class (label -1) stay unlabeled.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside [0, 1].</exception>
    public static ImageDataset WithLabeledFraction(ImageDataset dataset, double fraction, ulong seed)
    {
        if (fraction is < 0 or > 1 || double.IsNaN(fraction)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "must be in [0, 1]");
        var labeled = new bool[dataset.Count];
        foreach (var (label, members) in Groups(dataset))
        {
            if (label < 0) continue;
            var n = members.Count;
            var k = Math.Min(n, Math.Max(fraction > 0 ? 1 : 0, RoundHalfUp(n * fraction)));
            var perm = SeededPermutation.Create(n, SeededPermutation.Derive(seed, LabeledTag, (ulong)(label + 1)));
            for (var j = 0; j < k; j++) labeled[members[perm[j]]] = true;
        }
        return dataset.WithItems([.. dataset.Items.Select((item, i) => item with { Labeled = labeled[i] })]);
    }

    /// <summary>
    /// Marks exactly the items whose paths are in <paramref name="labeledPaths"/> as labeled (paths compared
    /// after <see cref="Path.GetFullPath(string)"/>), all others unlabeled.
    /// </summary>
    /// <exception cref="DatasetException">A listed path is not in the dataset, or a listed item has no class.</exception>
    public static ImageDataset WithLabeledPaths(ImageDataset dataset, IEnumerable<string> labeledPaths)
    {
        var byPath = dataset.Items.Select((item, i) => (item.Path, i)).ToDictionary(x => x.Path, x => x.i, StringComparer.Ordinal);
        var labeled = new bool[dataset.Count];
        var problems = new List<string>();
        foreach (var p in labeledPaths)
        {
            var full = Path.GetFullPath(p);
            if (!byPath.TryGetValue(full, out var i)) problems.Add($"'{p}' is not in the dataset");
            else if (dataset.Items[i].Label < 0) problems.Add($"'{p}' has no label and cannot be marked labeled");
            else labeled[i] = true;
        }
        if (problems.Count > 0) throw new DatasetException("labeled list", problems);
        return dataset.WithItems([.. dataset.Items.Select((item, i) => item with { Labeled = labeled[i] })]);
    }

    private static SortedDictionary<int, List<int>> Groups(ImageDataset dataset)
    {
        var groups = new SortedDictionary<int, List<int>>();
        for (var i = 0; i < dataset.Count; i++)
        {
            var label = dataset.Items[i].Label;
            if (!groups.TryGetValue(label, out var list)) groups[label] = list = [];
            list.Add(i);
        }
        return groups;
    }
}
