namespace MedLearn.Explain;

/// <summary>
/// The deletion curve of a saliency map: the target-class probability after removing growing fractions of the most
/// salient pixels, and its area.
/// </summary>
/// <param name="TargetClass">The class whose probability is tracked.</param>
/// <param name="Fractions">Removed fraction of the pixels per step, 0 .. 1 (k + 1 values).</param>
/// <param name="Probabilities">Probability of <paramref name="TargetClass"/> after each step (the first is the unmodified input's).</param>
/// <param name="Auc">
/// Area under the curve by the trapezoid rule over the removed fraction (x in [0, 1], so the area is normalised
/// to [0, 1]): Σ_i (f_{i+1} − f_i)(p_i + p_{i+1}) / 2. Lower = the map found the evidence faster (more faithful).
/// </param>
public sealed record DeletionCurve(int TargetClass, IReadOnlyList<double> Fractions, IReadOnlyList<double> Probabilities, double Auc)
{
    /// <summary>The area relative to the starting probability, Auc / p_0 (NaN when p_0 = 0): 1 = removing pixels never lowered it.</summary>
    public double RelativeAuc => Probabilities[0] > 0 ? Auc / Probabilities[0] : double.NaN;

    /// <summary>Trapezoid area under (x, y); 0 for fewer than two points.</summary>
    public static double Trapezoid(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException($"x has {x.Count} values, y {y.Count}");
        var area = 0.0;
        for (var i = 0; i + 1 < x.Count; i++) area += (x[i + 1] - x[i]) * (y[i] + y[i + 1]) / 2;
        return area;
    }
}
