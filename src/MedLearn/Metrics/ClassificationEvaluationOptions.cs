namespace MedLearn.Metrics;

/// <summary>Settings of <see cref="ClassificationEvaluation.Compute"/>.</summary>
public sealed record ClassificationEvaluationOptions
{
    /// <summary>Number of bootstrap resamples for the headline confidence intervals; 0 (default) computes none.</summary>
    public int BootstrapSamples { get; init; }

    /// <summary>Seed of the bootstrap resampling stream (same seed, same intervals).</summary>
    public int BootstrapSeed { get; init; }

    /// <summary>Coverage of the bootstrap intervals, default 0.95.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>Number of equal-width confidence bins of the expected calibration error, default 15.</summary>
    public int CalibrationBins { get; init; } = ExpectedCalibrationError.DefaultBinCount;

    /// <summary>Clipping constant of the log loss, default 1e-15.</summary>
    public double LogLossEpsilon { get; init; } = LogLoss.DefaultEpsilon;

    /// <summary>Optional C × C penalty matrix, <c>cost[true][predicted]</c>; when set, the mean cost per sample is reported.</summary>
    public double[][]? CostMatrix { get; init; }
}
