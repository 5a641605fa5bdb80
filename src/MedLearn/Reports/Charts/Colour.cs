using System.Globalization;

namespace MedLearn.Reports.Charts;

/// <summary>An sRGB colour with 8-bit channels.</summary>
/// <param name="R">Red, 0..255.</param>
/// <param name="G">Green, 0..255.</param>
/// <param name="B">Blue, 0..255.</param>
public readonly record struct Colour(byte R, byte G, byte B)
{
    /// <summary>Near-black used for text on light backgrounds.</summary>
    public static Colour DarkText { get; } = Parse("#1f2933");

    /// <summary>White, used for text on dark backgrounds.</summary>
    public static Colour White { get; } = new(255, 255, 255);

    /// <summary>CSS hex notation, lower case: <c>#rrggbb</c>.</summary>
    public string Hex => $"#{R:x2}{G:x2}{B:x2}";

    /// <summary>
    /// WCAG 2 relative luminance: <c>0.2126 R + 0.7152 G + 0.0722 B</c> over linearised channels
    /// (<c>c/12.92</c> for <c>c ≤ 0.04045</c>, else <c>((c + 0.055)/1.055)^2.4</c>, with <c>c</c> = channel/255).
    /// 0 for black, 1 for white.
    /// </summary>
    public double RelativeLuminance => 0.2126 * Linear(R) + 0.7152 * Linear(G) + 0.0722 * Linear(B);

    /// <summary>
    /// The text colour (<see cref="DarkText"/> or <see cref="White"/>) with the higher WCAG contrast ratio
    /// <c>(L1 + 0.05) / (L2 + 0.05)</c> against this colour as background.
    /// </summary>
    public Colour ContrastingText()
    {
        var bg = RelativeLuminance;
        var dark = Contrast(bg, DarkText.RelativeLuminance);
        var light = Contrast(bg, White.RelativeLuminance);
        return light > dark ? White : DarkText;
    }

    /// <summary>WCAG contrast ratio between two relative luminances (1..21).</summary>
    public static double Contrast(double luminanceA, double luminanceB) =>
        (Math.Max(luminanceA, luminanceB) + 0.05) / (Math.Min(luminanceA, luminanceB) + 0.05);

    /// <summary>Linear interpolation in sRGB: <c>a + t (b − a)</c> per channel, rounded; <paramref name="t"/> is clamped to [0, 1].</summary>
    public static Colour Lerp(Colour a, Colour b, double t)
    {
        t = double.IsNaN(t) ? 0 : Math.Clamp(t, 0, 1);
        return new Colour(Mix(a.R, b.R, t), Mix(a.G, b.G, t), Mix(a.B, b.B, t));
    }

    /// <summary>Parses <c>#rrggbb</c> (the leading # is optional).</summary>
    /// <exception cref="FormatException">Not six hex digits.</exception>
    public static Colour Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var s = hex.StartsWith('#') ? hex[1..] : hex;
        if (s.Length != 6 || !int.TryParse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var v))
            throw new FormatException($"'{hex}' is not a #rrggbb colour");
        return new Colour((byte)(v >> 16), (byte)(v >> 8), (byte)v);
    }

    /// <inheritdoc/>
    public override string ToString() => Hex;

    private static byte Mix(byte a, byte b, double t) => (byte)Math.Round(a + (b - a) * t, MidpointRounding.AwayFromZero);

    private static double Linear(byte channel)
    {
        var c = channel / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
    }
}
