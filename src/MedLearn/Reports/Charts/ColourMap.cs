namespace MedLearn.Reports.Charts;

/// <summary>
/// A sequential colour map (piecewise-linear between evenly spaced anchor colours) and the categorical palette
/// used for series. Maps are deterministic lookups; no randomness, no culture.
/// </summary>
public sealed class ColourMap
{
    private readonly Colour[] _anchors;

    /// <summary>Creates a map through <paramref name="anchors"/> (at least two), evenly spaced over [0, 1].</summary>
    public ColourMap(IReadOnlyList<Colour> anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        if (anchors.Count < 2) throw new ArgumentException("a colour map needs at least two anchors", nameof(anchors));
        _anchors = [.. anchors];
    }

    /// <summary>White to dark blue (the anchors of ColorBrewer's 9-class "Blues").</summary>
    public static ColourMap Blues { get; } = new(
        [.. new[] { "#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b" }.Select(Colour.Parse)]);

    /// <summary>
    /// Ten distinguishable series colours (Tableau 10), in order. <see cref="Categorical"/> cycles through them.
    /// </summary>
    public static IReadOnlyList<Colour> Palette { get; } =
        [.. new[] { "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac" }.Select(Colour.Parse)];

    /// <summary>The colour at position <paramref name="t"/> in [0, 1] (clamped; NaN maps to 0).</summary>
    public Colour At(double t)
    {
        t = double.IsNaN(t) ? 0 : Math.Clamp(t, 0, 1);
        var pos = t * (_anchors.Length - 1);
        var i = Math.Min((int)Math.Floor(pos), _anchors.Length - 2);
        return Colour.Lerp(_anchors[i], _anchors[i + 1], pos - i);
    }

    /// <summary>Series colour number <paramref name="index"/>: <see cref="Palette"/>[index mod 10].</summary>
    public static Colour Categorical(int index) => Palette[((index % Palette.Count) + Palette.Count) % Palette.Count];
}
