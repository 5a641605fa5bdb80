namespace MedLearn.Metrics;

/// <summary>Percentile-bootstrap intervals of the headline metrics, all computed over the same resamples.</summary>
/// <param name="Accuracy">Interval of <see cref="Metrics.Accuracy"/>.</param>
/// <param name="BalancedAccuracy">Interval of <see cref="Metrics.BalancedAccuracy"/>.</param>
/// <param name="MacroF1">Interval of the macro <see cref="F1Score"/>.</param>
/// <param name="MacroAuc">Interval of the macro <see cref="RocAuc"/> (resamples where it is undefined are skipped).</param>
/// <param name="KappaQuadratic">Interval of the quadratic <see cref="CohenKappa"/> (resamples where it is undefined are skipped).</param>
public sealed record HeadlineIntervals(
    BootstrapInterval Accuracy,
    BootstrapInterval BalancedAccuracy,
    BootstrapInterval MacroF1,
    BootstrapInterval MacroAuc,
    BootstrapInterval KappaQuadratic);
