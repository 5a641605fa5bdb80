using System.Text.Json;

namespace MedLearn.Torch.Tests;

/// <summary>
/// Reads a golden file written by tools/golden/gen_*.py (PyTorch results) and builds tensors from it.
/// </summary>
public sealed class Golden
{
    private readonly JsonElement _tensors;
    private readonly JsonElement _values;

    private Golden(JsonDocument doc, string area)
    {
        Area = area;
        _tensors = doc.RootElement.GetProperty("tensors");
        _values = doc.RootElement.GetProperty("values");
    }

    public string Area { get; }

    private static readonly Dictionary<string, Golden> s_cache = [];

    /// <summary>Loads Golden/&lt;area&gt;.json from the test output folder.</summary>
    public static Golden Load(string area)
    {
        lock (s_cache)
        {
            if (s_cache.TryGetValue(area, out var g)) return g;
            var path = Path.Combine(AppContext.BaseDirectory, "Golden", area + ".json");
            if (!File.Exists(path)) throw new FileNotFoundException($"golden file missing: run tools/golden/regen.sh ({path})");
            g = new Golden(JsonDocument.Parse(File.ReadAllText(path)), area);
            s_cache[area] = g;
            return g;
        }
    }

    public bool Has(string name) => _tensors.TryGetProperty(name, out _);

    public long[] Shape(string name) => Entry(name).GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();

    public string DTypeName(string name) => Entry(name).GetProperty("dtype").GetString()!;

    /// <summary>The flat data as doubles (any dtype).</summary>
    public double[] Data(string name) => Entry(name).GetProperty("data").EnumerateArray()
        .Select(e => e.ValueKind switch { JsonValueKind.True => 1.0, JsonValueKind.False => 0.0, _ => e.GetDouble() }).ToArray();

    /// <summary>The golden tensor with its dtype and shape (bf16/fp16 arrive as float32 values).</summary>
    public Tensor Tensor(string name)
    {
        var shape = Shape(name);
        var data = Data(name);
        return DTypeName(name) switch
        {
            "float32" or "bfloat16" or "float16" => torch.FromSpan<float>(data.Select(d => (float)d).ToArray(), shape),
            "float64" => torch.FromSpan<double>(data, shape),
            "int64" => torch.FromSpan<long>(data.Select(d => (long)d).ToArray(), shape),
            "int32" => torch.FromSpan<int>(data.Select(d => (int)d).ToArray(), shape),
            "uint8" => torch.FromSpan<byte>(data.Select(d => (byte)d).ToArray(), shape),
            "bool" => torch.FromSpan<bool>(data.Select(d => d != 0).ToArray(), shape),
            var t => throw new NotSupportedException($"golden dtype {t}"),
        };
    }

    public double Value(string name) => _values.GetProperty(name).GetDouble();

    public JsonElement RawValue(string name) => _values.GetProperty(name);

    private JsonElement Entry(string name) => _tensors.TryGetProperty(name, out var e)
        ? e
        : throw new KeyNotFoundException($"golden tensor '{name}' not in {Area}.json: regenerate with tools/golden/regen.sh");
}

/// <summary>Numeric assertions on tensors.</summary>
public static class TensorAssert
{
    /// <summary>|actual - expected| &lt;= atol + rtol * |expected| element-wise, with the same shape.</summary>
    public static void Close(Tensor expected, Tensor actual, double atol = 1e-5, double rtol = 1e-4, string? what = null)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        using var e64 = expected.To(DType.Float64);
        using var a64 = actual.To(DType.Float64);
        Close(e64.ToArray<double>(), a64.ToArray<double>(), atol, rtol, what);
    }

    public static void Close(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double atol = 1e-5, double rtol = 1e-4, string? what = null)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            if (double.IsNaN(e) && double.IsNaN(a)) continue;
            if (Math.Abs(a - e) > atol + rtol * Math.Abs(e))
                Assert.Fail($"{what ?? "tensor"}[{i}]: expected {e} but got {a} (atol {atol}, rtol {rtol})");
        }
    }
}
