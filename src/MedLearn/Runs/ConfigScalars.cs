using System.Globalization;
using System.Text;

namespace MedLearn.Runs;

/// <summary>
/// Scalar text of configuration files, both ways, invariant culture. Floating point: shortest round-trip text
/// (<c>0.001</c>, <c>1e-05</c>, integral values get <c>.0</c>), YAML 1.2 special values <c>.nan</c>, <c>.inf</c>,
/// <c>-.inf</c> (also read: <c>nan</c>, <c>inf</c>, <c>-inf</c>, <c>NaN</c>, <c>Infinity</c>, any case); a finite
/// literal too large for the type is an error, not infinity. Integers: optional sign and decimal digits only, range
/// checked. Booleans: <c>true</c>/<c>false</c> in any case. Enums: the member name in any case, kebab-case or
/// snake_case (<c>cosine-annealing</c>, <c>COSINE_ANNEALING</c>), never a number.
/// </summary>
internal static class ConfigScalars
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Plain scalars that YAML reads as null.</summary>
    public static bool IsNullText(string text) => text is "" or "~" or "null" or "Null" or "NULL";

    /// <summary>What a value of <paramref name="type"/> looks like, for messages.</summary>
    public static string Expectation(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsEnum) return $"one of {string.Join(", ", Enum.GetNames(t).Select(ConfigNaming.ToKebabCase))} ({t.Name})";
        if (t == typeof(bool)) return "true or false (bool)";
        if (t == typeof(string)) return "a string";
        if (t == typeof(float) || t == typeof(double) || t == typeof(decimal)) return $"a number ({ConfigModel.TypeName(t)})";
        return $"an integer ({ConfigModel.TypeName(t)})";
    }

    /// <summary>Parses <paramref name="text"/> as <paramref name="type"/> (not nullable: null is handled by the caller).</summary>
    public static bool TryParse(Type type, string text, out object? value, out string? detail)
    {
        detail = null;
        value = null;
        var t = Nullable.GetUnderlyingType(type) ?? type;
        var s = text.Trim();
        if (t == typeof(string)) { value = text; return true; }
        if (t == typeof(bool))
        {
            if (s.Equals("true", StringComparison.OrdinalIgnoreCase)) value = true;
            else if (s.Equals("false", StringComparison.OrdinalIgnoreCase)) value = false;
            return value is not null;
        }
        if (t.IsEnum)
        {
            var loose = ConfigNaming.Loose(s);
            foreach (var name in Enum.GetNames(t))
                if (ConfigNaming.Loose(name) == loose && loose.Length > 0) { value = Enum.Parse(t, name); return true; }
            return false;
        }
        if (t == typeof(double)) return TryFloat(s, out value, out detail, x => double.Parse(x, NumberStyles.Float, Inv), v => double.IsInfinity((double)v));
        if (t == typeof(float)) return TryFloat(s, out value, out detail, x => float.Parse(x, NumberStyles.Float, Inv), v => float.IsInfinity((float)v));
        if (t == typeof(decimal))
        {
            if (decimal.TryParse(s, NumberStyles.Float, Inv, out var m)) { value = m; return true; }
            return false;
        }
        // Integers: parse as a big integer first so that "out of range" differs from "not an integer".
        var digits = s.Length > 0 && s[0] is '+' or '-' ? s[1..] : s;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)) return false;
        var big = System.Numerics.BigInteger.Parse(s, NumberStyles.AllowLeadingSign, Inv);
        var (min, max) = Range(t);
        if (big < min || big > max) { detail = $"out of range for {ConfigModel.TypeName(t)} ({min} to {max})"; return false; }
        value = Convert.ChangeType((decimal)big, t, Inv);
        return true;
    }

    private static (System.Numerics.BigInteger Min, System.Numerics.BigInteger Max) Range(Type t) =>
        t == typeof(int) ? (int.MinValue, int.MaxValue)
        : t == typeof(long) ? (long.MinValue, long.MaxValue)
        : t == typeof(short) ? (short.MinValue, short.MaxValue)
        : t == typeof(sbyte) ? (sbyte.MinValue, sbyte.MaxValue)
        : t == typeof(byte) ? (byte.MinValue, byte.MaxValue)
        : t == typeof(ushort) ? (ushort.MinValue, ushort.MaxValue)
        : t == typeof(uint) ? (uint.MinValue, uint.MaxValue)
        : t == typeof(ulong) ? (ulong.MinValue, ulong.MaxValue)
        : throw new NotSupportedException(t.ToString());

    private static bool TryFloat(string s, out object? value, out string? detail, Func<string, object> parse, Func<object, bool> isInfinite)
    {
        value = null;
        detail = null;
        var lower = s.ToLowerInvariant();
        string? special = lower switch
        {
            ".nan" or "nan" => "NaN",
            ".inf" or "+.inf" or "inf" or "+inf" or "infinity" or "+infinity" => "Infinity",
            "-.inf" or "-inf" or "-infinity" => "-Infinity",
            _ => null,
        };
        if (special is not null) { value = parse(special); return true; }
        if (s.Length == 0 || !(char.IsAsciiDigit(s[0]) || s[0] is '-' or '+' or '.')) return false;
        try { value = parse(s); }
        catch (FormatException) { return false; }
        if (isInfinite(value)) { detail = "out of range (use .inf for infinity)"; value = null; return false; }
        return true;
    }

    /// <summary>The YAML text of a scalar value (never null: the caller writes <c>null</c>).</summary>
    public static string Format(object value) => value switch
    {
        string s => Quote(s),
        bool b => b ? "true" : "false",
        double d => FormatDouble(d),
        float f => FormatFloat(f),
        decimal m => m.ToString(Inv),
        Enum e => ConfigNaming.ToKebabCase(e.ToString()),
        IFormattable i => i.ToString(null, Inv),
        _ => throw new NotSupportedException(value.GetType().ToString()),
    };

    /// <summary>Shortest round-trip text of a double, YAML spelling of the special values.</summary>
    public static string FormatDouble(double d) =>
        double.IsNaN(d) ? ".nan" : double.IsPositiveInfinity(d) ? ".inf" : double.IsNegativeInfinity(d) ? "-.inf" : FloatText(d.ToString("R", Inv));

    private static string FormatFloat(float f) =>
        float.IsNaN(f) ? ".nan" : float.IsPositiveInfinity(f) ? ".inf" : float.IsNegativeInfinity(f) ? "-.inf" : FloatText(f.ToString("R", Inv));

    private static string FloatText(string s)
    {
        s = s.Replace('E', 'e');
        return s.All(c => char.IsAsciiDigit(c) || c == '-') ? s + ".0" : s;
    }

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf", "infinity",
    };

    /// <summary>
    /// A string as a YAML scalar: plain when it is a simple word or path (letters, digits, <c>_ . / -</c>, starting
    /// with a letter, '_' or '/') that YAML cannot read as anything else, otherwise double-quoted with escapes.
    /// </summary>
    public static string Quote(string s)
    {
        var plain = s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] is '_' or '/')
            && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/' or '-')
            && !Reserved.Contains(s);
        if (plain) return s;
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c is '\u2028' or '\u2029' or '\ufeff') sb.Append("\\u").Append(((int)c).ToString("x4", Inv));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
