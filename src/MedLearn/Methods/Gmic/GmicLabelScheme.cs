using MedLearn.Torch;

namespace MedLearn.Methods.Gmic;

/// <summary>
/// How a GMIC dataset's integer labels become multi-label targets y [outputs] in {0, 1}.
/// <list type="bullet">
/// <item>single-label (a <c>label</c> column or class folders): class 0 (<see cref="NegativeClass"/>) is all zeros,
/// class j &gt; 0 is output j - 1 (one-hot);</item>
/// <item>multi-label (target columns, e.g. <c>benign,malignant</c> as in the authors' data): the label is the bit
/// mask <c>sum_c y_c 2^c</c> and the dataset's classes are the 2^C combinations, so the stratified split keeps each
/// combination's share.</item>
/// </list>
/// </summary>
/// <param name="Outputs">Output names, in order.</param>
/// <param name="NegativeClass">The single-label data's negative class, or null for multi-label target columns.</param>
public sealed record GmicLabelScheme(IReadOnlyList<string> Outputs, string? NegativeClass)
{
    /// <summary>Largest number of target columns (2^C label combinations).</summary>
    public const int MaxTargetColumns = 8;

    /// <summary>Whether labels are bit masks of target columns.</summary>
    public bool IsMultiLabel => NegativeClass is null;

    /// <summary>The scheme of single-label data with <paramref name="classes"/> (the first is the negative class).</summary>
    public static GmicLabelScheme SingleLabel(IReadOnlyList<string> classes) => new(GmicTargets.OutputNames(classes), classes[0]);

    /// <summary>The scheme of the multi-label target columns <paramref name="columns"/>.</summary>
    public static GmicLabelScheme MultiLabel(IReadOnlyList<string> columns) => new([.. columns], null);

    /// <summary>The class names of a multi-label dataset: combination m lists the outputs whose bit is set, "none" for 0.</summary>
    public static IReadOnlyList<string> CombinationNames(IReadOnlyList<string> columns) =>
        [.. Enumerable.Range(0, 1 << columns.Count).Select(m => m == 0 ? "none" : string.Join("+", columns.Where((_, c) => (m >> c & 1) == 1)))];

    /// <summary>The targets of <paramref name="label"/>, or null when it is -1 (unlabelled).</summary>
    /// <exception cref="ArgumentException">A label outside the scheme's range.</exception>
    public float[]? Targets(long label)
    {
        if (label == -1) return null;
        var y = new float[Outputs.Count];
        if (IsMultiLabel)
        {
            if (label < 0 || label >= 1L << Outputs.Count) throw new ArgumentException($"label {label} is not a bit mask of {Outputs.Count} outputs");
            for (var c = 0; c < y.Length; c++) y[c] = (label >> c & 1) == 1 ? 1 : 0;
        }
        else
        {
            if (label < 0 || label > Outputs.Count) throw new ArgumentException($"label {label} is outside 0..{Outputs.Count}");
            if (label > 0) y[label - 1] = 1;
        }
        return y;
    }

    /// <summary>float32 targets [N, outputs] from int64 labels [N] (every label must be defined).</summary>
    /// <exception cref="ArgumentException">An unlabelled (-1) or out-of-range label.</exception>
    public Tensor FromLabels(Tensor labels)
    {
        var values = labels.To(DType.Int64).ToArray<long>();
        var y = new float[values.Length * Outputs.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var t = Targets(values[i]) ?? throw new ArgumentException("label -1 (unlabelled): GMIC needs every training image labelled");
            t.CopyTo(y, i * Outputs.Count);
        }
        return torch.FromArray(y, values.Length, Outputs.Count);
    }
}
