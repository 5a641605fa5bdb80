using System.Globalization;
using MedLearn.Torch;

namespace MedLearn.Data.Transforms;

/// <summary>
/// An explicit mapping of label-file values to training classes, written <c>0:0,1:1,2:1</c> (<c>--label-map</c>): every
/// value a label file may contain is listed with its class; <c>y = map[x]</c> voxel-wise. A value not in the map is an
/// error (never silently background), so a label file with unexpected values is reported instead of trained on.
/// </summary>
public sealed class LabelMap
{
    private readonly SortedDictionary<long, long> _map;

    private LabelMap(SortedDictionary<long, long> map) => _map = map;

    /// <summary>The pairs (file value → class) in ascending file value.</summary>
    public IReadOnlyDictionary<long, long> Pairs => _map;

    /// <summary>Parses <c>from:to[,from:to...]</c> (integers ≥ 0, each source value once).</summary>
    /// <exception cref="ArgumentException">Malformed text, a negative value or a repeated source value.</exception>
    public static LabelMap Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var map = new SortedDictionary<long, long>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split(':', StringSplitOptions.TrimEntries);
            if (kv.Length != 2 || !long.TryParse(kv[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                || !long.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var to))
                throw new ArgumentException($"label map: expected 'value:class' pairs of integers >= 0 separated by commas (e.g. 0:0,1:1,2:1), got '{part}' in '{text}'");
            if (!map.TryAdd(from, to)) throw new ArgumentException($"label map: value {from} is mapped twice in '{text}'");
        }
        if (map.Count == 0) throw new ArgumentException($"label map: no 'value:class' pairs in '{text}'");
        return new LabelMap(map);
    }

    /// <summary>The largest class the map produces.</summary>
    public long MaxClass => _map.Values.Max();

    /// <summary>Values of <paramref name="labels"/> (integer-valued) that the map does not list, ascending.</summary>
    public long[] Unmapped(Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = DisposeScope.Open();
        var present = labels.To(DType.Int64).Contiguous().ToArray<long>().ToHashSet();
        return [.. present.Where(v => !_map.ContainsKey(v)).Order()];
    }

    /// <summary>
    /// <paramref name="labels"/> with every value replaced by its class (int64, same shape).
    /// </summary>
    /// <exception cref="ArgumentException">A value is not in the map (the message lists them).</exception>
    public Tensor Apply(Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var unmapped = Unmapped(labels);
        if (unmapped.Length > 0) throw new ArgumentException($"label values {string.Join(", ", unmapped)} are not in the label map {this}");
        using var scope = DisposeScope.Open();
        var source = labels.To(DType.Int64);
        var result = source.Clone();
        foreach (var (from, to) in _map)
            if (from != to) result.MaskedFill_(source.Eq(from), to);
        return scope.MoveToOuter(result);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(",", _map.Select(p => $"{p.Key}:{p.Value}"));
}
