namespace MedLearn.Torch;

/// <summary>Kinds of native errors the shim reports; mirrors <c>medlearn::ErrorKind</c> in native/src/common.h.</summary>
public enum TorchErrorKind
{
    /// <summary>No error.</summary>
    None = 0,
    /// <summary>Invalid argument: shape, dtype, device or index errors (libtorch's TORCH_CHECK failures).</summary>
    Argument = 1,
    /// <summary>Allocation failure.</summary>
    OutOfMemory = 2,
    /// <summary>The op has no kernel for this dtype/device.</summary>
    NotImplemented = 3,
    /// <summary>Any other native failure.</summary>
    Other = 4,
}

/// <summary>An error raised inside libtorch or the shim; the message is libtorch's own (without C++ backtrace).</summary>
public class TorchException : Exception
{
    public TorchException(TorchErrorKind kind, string message) : base(message) => Kind = kind;

    /// <summary>What kind of native failure this was.</summary>
    public TorchErrorKind Kind { get; }

    internal static TorchException Create(TorchErrorKind kind, string message) => kind switch
    {
        TorchErrorKind.Argument => new TorchArgumentException(message),
        TorchErrorKind.OutOfMemory => new TorchOutOfMemoryException(message),
        TorchErrorKind.NotImplemented => new TorchNotImplementedException(message),
        _ => new TorchException(kind, message),
    };
}

/// <summary>Shape, dtype, device or index error reported by libtorch.</summary>
public sealed class TorchArgumentException(string message) : TorchException(TorchErrorKind.Argument, message);

/// <summary>libtorch could not allocate memory.</summary>
public sealed class TorchOutOfMemoryException(string message) : TorchException(TorchErrorKind.OutOfMemory, message);

/// <summary>libtorch has no kernel for the requested dtype/device combination.</summary>
public sealed class TorchNotImplementedException(string message) : TorchException(TorchErrorKind.NotImplemented, message);
