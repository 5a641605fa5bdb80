namespace MedLearn.Methods.SemiSupervised;

/// <summary>
/// The sigmoid-shaped ramp-up of the mean-teacher papers (Laine &amp; Aila; Tarvainen &amp; Valpola), used for the
/// consistency weight: <c>sigmoid_rampup(t, L) = 1 if L == 0 else exp(-5 · (1 − clamp(t, 0, L) / L)²)</c>.
/// </summary>
/// <remarks>
/// Values: exp(−5) ≈ 0.0067 at t = 0, exp(−1.25) ≈ 0.2865 at t = L/2, 1 from t = L on; t below 0 counts as 0.
/// A ramp-up length of 0 means "no ramp-up" (always 1). NaN t is an error (it would silently give NaN weights).
/// </remarks>
public static class SigmoidRampUp
{
    /// <summary>The ramp-up value at time <paramref name="t"/> (e.g. the 0-based epoch) for length <paramref name="length"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or not finite, or <paramref name="t"/> is NaN.</exception>
    public static double Value(double t, double length)
    {
        if (!(length >= 0) || double.IsInfinity(length)) throw new ArgumentOutOfRangeException(nameof(length), length, "ramp-up length must be a finite number >= 0");
        if (double.IsNaN(t)) throw new ArgumentOutOfRangeException(nameof(t), t, "ramp-up time is NaN");
        if (length == 0) return 1.0;
        var phase = 1.0 - Math.Clamp(t, 0.0, length) / length;
        return Math.Exp(-5.0 * phase * phase);
    }
}
