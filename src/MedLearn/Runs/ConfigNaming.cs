using System.Text;

namespace MedLearn.Runs;

/// <summary>
/// Key spelling of configuration files: C# PascalCase names become kebab-case (<c>LearningRate</c> ->
/// <c>learning-rate</c>, <c>AMPEnabled</c> -> <c>amp-enabled</c>, <c>Use3DAugment</c> -> <c>use3d-augment</c>); a
/// key matches a property in its kebab-case or snake_case form. Enum values are spelled the same way and matched
/// ignoring case, '-' and '_'.
/// </summary>
public static class ConfigNaming
{
    /// <summary>
    /// The kebab-case form of a PascalCase name: a '-' goes before an upper-case letter that follows a lower-case
    /// letter, or that follows an upper-case letter or digit and is followed by a lower-case letter (the end of an
    /// acronym); '_' becomes '-'; everything is lower-cased.
    /// </summary>
    public static string ToKebabCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && sb.Length > 0 && sb[^1] != '-')
                {
                    var prev = name[i - 1];
                    var nextLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                    if (char.IsLower(prev) || ((char.IsUpper(prev) || char.IsDigit(prev)) && nextLower)) sb.Append('-');
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c == '_' ? '-' : c);
        }
        return sb.ToString();
    }

    /// <summary>True when <paramref name="key"/> is <paramref name="kebab"/> or its snake_case form.</summary>
    internal static bool Matches(string key, string kebab) =>
        key == kebab || (key.Length == kebab.Length && key == kebab.Replace('-', '_'));

    /// <summary>Lower-cased with '-' and '_' removed: the form enum values are compared in.</summary>
    internal static string Loose(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
            if (c != '-' && c != '_') sb.Append(char.ToLowerInvariant(c));
        return sb.ToString();
    }

    /// <summary>Levenshtein distance (insertions, deletions, substitutions each cost 1).</summary>
    internal static int EditDistance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }

    /// <summary>
    /// The candidate closest to <paramref name="key"/> (compared lower-cased with '_' as '-'), or null when even the
    /// closest needs more than max(2, length/3) edits.
    /// </summary>
    internal static string? Closest(string key, IEnumerable<string> candidates)
    {
        var norm = key.ToLowerInvariant().Replace('_', '-');
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            var d = EditDistance(norm, c);
            if (d < bestDistance) (best, bestDistance) = (c, d);
        }
        return bestDistance <= Math.Max(2, norm.Length / 3) ? best : null;
    }
}
