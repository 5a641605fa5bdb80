namespace MedLearn.Torch.Serialization;

/// <summary>PyTorch's typed-storage class names (<c>torch.FloatStorage</c>, ...) and their dtypes.</summary>
internal static class StorageTypes
{
    private static readonly (string Name, DType DType)[] s_table =
    [
        ("FloatStorage", DType.Float32),
        ("DoubleStorage", DType.Float64),
        ("HalfStorage", DType.Float16),
        ("BFloat16Storage", DType.BFloat16),
        ("LongStorage", DType.Int64),
        ("IntStorage", DType.Int32),
        ("ShortStorage", DType.Int16),
        ("CharStorage", DType.Int8),
        ("ByteStorage", DType.UInt8),
        ("BoolStorage", DType.Bool),
    ];

    /// <summary>The storage class name (without "torch.") of <paramref name="dtype"/>.</summary>
    public static string NameOf(DType dtype)
    {
        foreach (var (name, d) in s_table)
            if (d == dtype) return name;
        throw new NotSupportedException($"dtype {dtype} has no PyTorch storage type");
    }

    /// <summary>The dtype of storage class <c>torch.<paramref name="name"/></c>, if it is one MedLearn supports.</summary>
    public static bool TryGetDType(string name, out DType dtype)
    {
        foreach (var (n, d) in s_table)
            if (n == name)
            {
                dtype = d;
                return true;
            }
        dtype = default;
        return false;
    }

    /// <summary>True for a name that looks like a torch storage class (supported or not, e.g. ComplexFloatStorage).</summary>
    public static bool LooksLikeStorage(string name) => name.EndsWith("Storage", StringComparison.Ordinal);
}
