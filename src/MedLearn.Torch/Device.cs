namespace MedLearn.Torch;

/// <summary>Device kinds; the values are libtorch's <c>c10::DeviceType</c> codes.</summary>
public enum DeviceType
{
    CPU = 0,
    CUDA = 1,
}

/// <summary>A compute device: the CPU, or a CUDA device when the shim is built against a CUDA libtorch.</summary>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    /// <summary>The host CPU.</summary>
    public static Device CPU { get; } = new(DeviceType.CPU);

    /// <summary>CUDA device <paramref name="index"/>; using it needs a CUDA build of libtorch.</summary>
    public static Device CUDA(int index = 0) => new(DeviceType.CUDA, index);

    /// <summary>Parses "cpu", "cuda" or "cuda:N".</summary>
    public static Device Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return CPU;
        if (t == "cuda") return CUDA();
        if (t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t.AsSpan(5), out var i) && i >= 0) return CUDA(i);
        throw new FormatException($"'{text}' is not a device: expected cpu, cuda or cuda:N");
    }

    public override string ToString() => Type switch
    {
        DeviceType.CPU => "cpu",
        _ => Index < 0 ? "cuda" : $"cuda:{Index}",
    };
}

/// <summary>Memory layouts; values are libtorch's <c>c10::MemoryFormat</c> codes.</summary>
public enum MemoryFormat
{
    Contiguous = 0,
    Preserve = 1,
    /// <summary>NHWC strides for 4-D tensors: oneDNN's fast path for 2-D convolutions on CPU.</summary>
    ChannelsLast = 2,
    /// <summary>NDHWC strides for 5-D tensors.</summary>
    ChannelsLast3d = 3,
}
