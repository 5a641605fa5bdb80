namespace MedLearn.Metrics;

/// <summary>Disagreement weights of <see cref="CohenKappa"/>: w[i][j] for true class i rated as j.</summary>
public enum KappaWeighting
{
    /// <summary>Unweighted: w = 0 on the diagonal, 1 elsewhere.</summary>
    None,
    /// <summary>Linear: w = |i − j| (class indices as ordinal positions).</summary>
    Linear,
    /// <summary>Quadratic: w = (i − j)².</summary>
    Quadratic,
}
