using System.Globalization;
using System.Text;

namespace MedLearn.Reports;

/// <summary>
/// Text helpers shared by the SVG charts and the HTML report pages: escaping of every user-supplied string and
/// culture-independent number formatting, so the same input always gives byte-identical output on every machine.
/// </summary>
public static class Markup
{
    /// <summary>
    /// Escapes <paramref name="text"/> for XML/HTML element content and quoted attribute values:
    /// <c>&amp; &lt; &gt; " '</c> become entity references. Characters XML 1.0 forbids (C0 controls other than
    /// tab/LF/CR, lone surrogates, U+FFFE/U+FFFF) become U+FFFD, so the result is always well-formed. Null gives "".
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            string? replacement = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => null,
            };
            if (replacement is null)
            {
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    sb?.Append(c).Append(text[i + 1]);
                    i++;
                    continue;
                }
                if (IsAllowed(c))
                {
                    sb?.Append(c);
                    continue;
                }
                replacement = "\uFFFD";
            }
            sb ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            sb.Append(replacement);
        }
        return sb?.ToString() ?? text;
    }

    private static bool IsAllowed(char c) =>
        c is '\t' or '\n' or '\r' || (c >= 0x20 && !char.IsSurrogate(c) && c != '\uFFFE' && c != '\uFFFF');

    /// <summary>
    /// Formats <paramref name="value"/> with at most <paramref name="maxDecimals"/> decimals (trailing zeros
    /// dropped), invariant culture, "-0" printed as "0". NaN gives "n/a", infinities "∞" / "−∞".
    /// </summary>
    public static string Number(double value, int maxDecimals = 2)
    {
        if (double.IsNaN(value)) return "n/a";
        if (double.IsPositiveInfinity(value)) return "∞";
        if (double.IsNegativeInfinity(value)) return "−∞";
        maxDecimals = Math.Clamp(maxDecimals, 0, 15);
        var rounded = Math.Round(value, maxDecimals, MidpointRounding.AwayFromZero);
        if (rounded == 0) return "0";
        var format = maxDecimals == 0 ? "0" : "0." + new string('#', maxDecimals);
        return rounded.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Formats <paramref name="value"/> with exactly <paramref name="decimals"/> decimals (invariant culture),
    /// "n/a" for NaN. Used for table cells, where aligned digits read better than trimmed ones.
    /// </summary>
    public static string Fixed(double value, int decimals)
    {
        if (double.IsNaN(value)) return "n/a";
        if (double.IsInfinity(value)) return value > 0 ? "∞" : "−∞";
        decimals = Math.Clamp(decimals, 0, 15);
        var rounded = Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        if (rounded == 0) rounded = 0; // drops the sign of -0
        return rounded.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>Formats a fraction as a percentage with <paramref name="decimals"/> decimals ("45.2%"); NaN gives "n/a".</summary>
    public static string Percent(double fraction, int decimals = 1) =>
        double.IsNaN(fraction) ? "n/a" : Fixed(fraction * 100, decimals) + "%";
}
