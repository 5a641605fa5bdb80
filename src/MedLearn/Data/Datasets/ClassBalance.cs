namespace MedLearn.Data.Datasets;

/// <summary>What <c>ClassBalance.Weights</c> does with a class that has no samples.</summary>
public enum ZeroCountPolicy
{
    /// <summary>Throw a <see cref="DatasetException"/> naming the class.</summary>
    Throw = 0,
    /// <summary>Give the class weight 0 (it cannot occur in the targets anyway).</summary>
    ZeroWeight = 1,
}

/// <summary>Per-class counts and inverse-frequency class weights (for weighted cross-entropy).</summary>
public static class ClassBalance
{
    /// <summary>
    /// Number of items per class (length = <see cref="ImageDataset.Classes"/>.Count). Items with label -1 are
    /// never counted; with <paramref name="labeledOnly"/> (default) items whose Labeled flag is clear are not
    /// counted either.
    /// </summary>
    public static long[] Counts(ImageDataset dataset, bool labeledOnly = true)
    {
        var counts = new long[dataset.Classes.Count];
        foreach (var item in dataset.Items)
            if (item.Label >= 0 && item.Label < counts.Length && (!labeledOnly || item.Labeled)) counts[item.Label]++;
        return counts;
    }

    /// <summary>
    /// Inverse-frequency weights normalised to mean 1: with n_c the count of class c and P the set of classes
    /// with n_c &gt; 0, <c>w_c = |P| · (1/n_c) / Σ_{j∈P} (1/n_j)</c>, so the mean of w over P is exactly 1 (and over all
    /// classes when none is empty). Balanced classes give all ones; a class twice as frequent gets half the weight.
    /// </summary>
    /// <param name="counts">Samples per class.</param>
    /// <param name="classNames">Names for error messages (optional).</param>
    /// <param name="zeroCount">Empty classes: <see cref="ZeroCountPolicy.Throw"/> (default) or weight 0.</param>
    /// <exception cref="DatasetException">A class is empty and the policy is Throw, or every class is empty.</exception>
    /// <exception cref="ArgumentException">A count is negative or the list is empty.</exception>
    public static double[] Weights(IReadOnlyList<long> counts, IReadOnlyList<string>? classNames = null, ZeroCountPolicy zeroCount = ZeroCountPolicy.Throw)
    {
        if (counts.Count == 0) throw new ArgumentException("no classes", nameof(counts));
        if (counts.Any(c => c < 0)) throw new ArgumentException("counts must be non-negative", nameof(counts));
        string Name(int c) => classNames is not null && c < classNames.Count ? $"'{classNames[c]}' (class {c})" : $"class {c}";
        var empty = Enumerable.Range(0, counts.Count).Where(c => counts[c] == 0).ToList();
        if (empty.Count == counts.Count) throw new DatasetException("every class has zero samples");
        if (empty.Count > 0 && zeroCount == ZeroCountPolicy.Throw)
            throw new DatasetException($"{string.Join(", ", empty.Select(Name))} {(empty.Count == 1 ? "has" : "have")} zero samples; class weights are undefined (use ZeroCountPolicy.ZeroWeight to give weight 0)");
        var sumInv = 0.0;
        var present = 0;
        for (var c = 0; c < counts.Count; c++)
            if (counts[c] > 0) { sumInv += 1.0 / counts[c]; present++; }
        return [.. counts.Select(n => n == 0 ? 0.0 : present * (1.0 / n) / sumInv)];
    }

    /// <summary>Weights from the dataset's labeled counts (see <see cref="Weights(IReadOnlyList{long}, IReadOnlyList{string}?, ZeroCountPolicy)"/>).</summary>
    public static double[] Weights(ImageDataset dataset, ZeroCountPolicy zeroCount = ZeroCountPolicy.Throw) =>
        Weights(Counts(dataset), dataset.Classes, zeroCount);
}
