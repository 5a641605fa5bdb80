using System.Collections;

namespace MedLearn.Torch.Serialization;

/// <summary>
/// Walks nested values (dictionaries, lists, tuples) safely: each container once (a pickle may reference a
/// container from several places, or from inside itself), with a depth limit instead of a stack overflow.
/// </summary>
internal static class ValueGraph
{
    private const int MaxDepth = 5000;

    /// <summary>Calls <paramref name="visit"/> on every value reachable from <paramref name="value"/> (keys included).</summary>
    public static void Visit(object? value, string path, HashSet<object> visited, Action<object?> visit, int depth = 0)
    {
        visit(value);
        if (value is not (IDictionary or IList) || value is byte[] || !visited.Add(value)) return;
        if (depth > MaxDepth) throw new TorchFileException(path, $"values are nested more than {MaxDepth} levels deep");
        if (value is IDictionary d)
            foreach (DictionaryEntry e in d)
            {
                Visit(e.Key, path, visited, visit, depth + 1);
                Visit(e.Value, path, visited, visit, depth + 1);
            }
        else
            foreach (var item in (IList)value) Visit(item, path, visited, visit, depth + 1);
    }

    /// <summary>Replaces, in place, every container element (not keys) by <paramref name="map"/>'s result; returns the mapped root.</summary>
    public static object? Replace(object? value, string path, HashSet<object> visited, Func<object?, object?> map, int depth = 0)
    {
        var mapped = map(value);
        if (!ReferenceEquals(mapped, value) || value is not (IDictionary or IList) || value is byte[] || !visited.Add(value)) return mapped;
        if (depth > MaxDepth) throw new TorchFileException(path, $"values are nested more than {MaxDepth} levels deep");
        switch (value)
        {
            case OrderedDictionary<object, object?> d:
                for (var i = 0; i < d.Count; i++) d.SetAt(i, Replace(d.GetAt(i).Value, path, visited, map, depth + 1));
                break;
            case IList l:
                for (var i = 0; i < l.Count; i++) l[i] = Replace(l[i], path, visited, map, depth + 1);
                break;
        }
        return value;
    }
}
