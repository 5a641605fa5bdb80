using System.Text.Json;
using MedLearn.Torch.Tests;

namespace MedLearn.Tests.Metrics;

/// <summary>One case of tools/golden/gen_metrics.py: its inputs and scikit-learn's answers.</summary>
internal sealed class MetricsGoldenCase(string name)
{
    public const double Tol = 1e-12;

    public static readonly string[] Names = ["binary", "binary_ties", "four", "absent_pred", "absent_target", "absent_both", "ties", "five", "boot_four", "boot_rare"];

    public static Golden G => Golden.Load("metrics");

    public string Name { get; } = name;
    public int Classes => (int)G.Value($"{Name}_classes");
    public int[] Targets => Ints($"{Name}_targets");
    public int[] Predictions => Ints($"{Name}_predictions");
    public double[][] Probabilities => Rows(G.Data($"{Name}_probs"), Classes);
    public long[][] Confusion => [.. Rows(G.Data($"{Name}_confusion"), Classes).Select(r => r.Select(v => (long)v).ToArray())];

    public double Value(string key) => G.Value($"{Name}_{key}");
    public double[] Tensor(string key) => G.Data($"{Name}_{key}");
    public bool Has(string key) => G.Has($"{Name}_{key}");

    /// <summary>A value that may be null in the file (undefined), as NaN.</summary>
    public double Nullable(string key)
    {
        var e = G.RawValue($"{Name}_{key}");
        return e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble();
    }

    public double[] NullableList(string key) =>
        [.. G.RawValue($"{Name}_{key}").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble())];

    public double[][]? Cost => HasValue("cost")
        ? [.. G.RawValue($"{Name}_cost").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray())]
        : null;

    public bool HasValue(string key)
    {
        try { G.RawValue($"{Name}_{key}"); return true; }
        catch (KeyNotFoundException) { return false; }
    }

    private static int[] Ints(string name) => [.. G.Data(name).Select(v => (int)v)];

    public static double[][] Rows(double[] flat, int columns) =>
        [.. Enumerable.Range(0, flat.Length / columns).Select(i => flat.AsSpan(i * columns, columns).ToArray())];
}
