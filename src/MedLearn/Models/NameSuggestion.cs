namespace MedLearn.Models;

/// <summary>"Did you mean" for mistyped names (e.g. <c>resnet-18</c> → <c>resnet18</c>, <c>efficientnetb0</c> → <c>efficientnet_b0</c>).</summary>
public static class NameSuggestion
{
    /// <summary>
    /// The known name closest to <paramref name="name"/>: first one equal after ignoring case and the separators
    /// '-', '_', '.', ' '; else the one with the smallest Levenshtein distance (of the lower-cased names without
    /// separators) when that distance is at most max(1, length/4); else null.
    /// </summary>
    public static string? Closest(string name, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(known);
        var key = Normalise(name);
        if (key.Length == 0) return null;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var d = Levenshtein(key, Normalise(candidate));
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.Max(1, key.Length / 4) ? best : null;
    }

    private static string Normalise(string s) =>
        new(s.Where(c => c is not ('-' or '_' or '.' or ' ')).Select(char.ToLowerInvariant).ToArray());

    /// <summary>Edit distance (insertions, deletions, substitutions of one character each).</summary>
    public static int Levenshtein(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
