namespace MedLearn.Torch.Nn;

/// <summary>Argument helpers shared by the layers (PyTorch's _single/_pair/_triple).</summary>
internal static class ModuleArgs
{
    /// <summary>Expands a one-value size to <paramref name="n"/> dims; a per-dim size must have n values.</summary>
    internal static long[] Expand(long[] value, int n, string name)
    {
        if (value.Length == n) return (long[])value.Clone();
        if (value.Length == 1) return Enumerable.Repeat(value[0], n).ToArray();
        throw new ArgumentException($"{name} must have 1 or {n} values, got {value.Length}", name);
    }

    internal static string Format(long[] v) => v.Length == 1 ? v[0].ToString() : "(" + string.Join(", ", v) + ")";
}
