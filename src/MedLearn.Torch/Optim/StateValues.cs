using System.Collections;

namespace MedLearn.Torch.Optim;

/// <summary>
/// Reads the loosely typed values of a state dict (see <see cref="IStateful"/>): integers may arrive as long or
/// int, reals as double (or integers), one-element tensors stand for numbers, containers are any
/// IDictionary/IList. Every failure is an <see cref="ArgumentException"/> naming the entry.
/// </summary>
internal static class StateValues
{
    public static string Describe(object? v) => v is null ? "null" : v.GetType().Name;

    public static IDictionary Dict(object? v, string what) =>
        v as IDictionary ?? throw new ArgumentException($"{what} must be a dictionary but is {Describe(v)}");

    public static IList List(object? v, string what) =>
        v as IList ?? throw new ArgumentException($"{what} must be a list but is {Describe(v)}");

    public static object? Get(IDictionary d, string key, string where) =>
        d.Contains(key) ? d[key] : throw new ArgumentException($"{where} has no '{key}' entry");

    public static double Real(object? v, string what) => v switch
    {
        double x => x,
        float x => x,
        long x => x,
        int x => x,
        short x => x,
        byte x => x,
        decimal x => (double)x,
        Tensor t when t.NumEl == 1 => t.ToDouble(),
        _ => throw new ArgumentException($"{what} must be a number but is {Describe(v)}"),
    };

    public static double? OptionalReal(object? v, string what) => v is null ? null : Real(v, what);

    public static long Integer(object? v, string what)
    {
        switch (v)
        {
            case long x: return x;
            case int x: return x;
            case short x: return x;
            case byte x: return x;
            case double x when Math.Floor(x) == x && Math.Abs(x) < 9.2e18: return (long)x;
            case Tensor t when t.NumEl == 1:
                var d = t.ToDouble();
                if (Math.Floor(d) == d) return (long)d;
                break;
        }
        throw new ArgumentException($"{what} must be an integer but is {(v is double or Tensor ? v.ToString() : Describe(v))}");
    }

    public static int Int32(object? v, string what)
    {
        var x = Integer(v, what);
        return x is >= int.MinValue and <= int.MaxValue ? (int)x : throw new ArgumentException($"{what} = {x} is out of range");
    }

    public static bool Bool(object? v, string what) => v switch
    {
        bool b => b,
        long x when x is 0 or 1 => x == 1,
        int x when x is 0 or 1 => x == 1,
        _ => throw new ArgumentException($"{what} must be a bool but is {Describe(v)}"),
    };

    public static string String(object? v, string what) =>
        v as string ?? throw new ArgumentException($"{what} must be a string but is {Describe(v)}");

    public static double[] Reals(object? v, string what)
    {
        var list = List(v, what);
        var result = new double[list.Count];
        for (var i = 0; i < result.Length; i++) result[i] = Real(list[i], $"{what}[{i}]");
        return result;
    }

    public static List<object?> Boxed(IEnumerable<double> values) => [.. values.Select(v => (object?)v)];
}
