namespace MedLearn.Methods.Gmic;

/// <summary>
/// The human-machine hybrid of the authors' reader study: <c>y_hybrid = lambda * y_reader + (1 - lambda) * y_model</c>
/// with lambda in [0, 1] (0 = the model alone, 1 = the reader alone; default 0.5). The reader score is taken as
/// given in [0, 1] (e.g. a radiologist's probability of malignancy).
/// </summary>
public static class HybridScore
{
    /// <summary>Default lambda.</summary>
    public const double DefaultLambda = 0.5;

    /// <summary>The hybrid score.</summary>
    /// <exception cref="ArgumentOutOfRangeException">lambda outside [0, 1].</exception>
    public static double Combine(double reader, double model, double lambda)
    {
        if (!(lambda is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "lambda must be in [0, 1]");
        return lambda * reader + (1 - lambda) * model;
    }
}
